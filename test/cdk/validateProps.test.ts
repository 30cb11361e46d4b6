/** Every props problem is named with the value received and the fix, all at once, before anything is built. */
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudTrailSigma } from '../../cdk/cloudTrailSigma.ts';
import type { CloudTrailSigmaProps } from '../../cdk/props.ts';
import { CloudTrailSigmaPropsError, validateProps } from '../../cdk/validateProps.ts';
import { FIXTURES, TEST_RULES } from './helpers.ts';

const problem = (props: CloudTrailSigmaProps) => validateProps({ ruleFolders: [TEST_RULES], ...props });

describe('Function: validateProps()', () => {
  it('accepts the defaults and a full valid configuration', () => {
    assert.deepEqual(validateProps({}), []);
    assert.deepEqual(
      problem({
        keyPrefix: 'org/AWSLogs/',
        trigger: 'eventbridge',
        alertEmails: [{ address: 'a@example.com', minLevel: 'low' }, { address: 'b@example.com' }],
        slackChannel: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCDE' },
        memorySizeMB: 2048,
        timeout: Duration.minutes(15),
        reservedConcurrentExecutions: 5,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
      [],
    );
  });

  it('names a bad key prefix', () => {
    assert.deepEqual(problem({ keyPrefix: '' }), ["keyPrefix must not be empty: reads are scoped to the trail's folder, e.g. 'AWSLogs/'."]);
    assert.deepEqual(problem({ keyPrefix: '/AWSLogs/' }), [`keyPrefix must not start with '/' (S3 keys have no leading slash); got "/AWSLogs/".`]);
    assert.deepEqual(problem({ keyPrefix: 'AWSLogs/*/' }), [`keyPrefix must not contain '*' or '?' (they would widen the IAM grant); got "AWSLogs/*/".`]);
    assert.deepEqual(problem({ keyPrefix: 'a'.repeat(1025) }), ['keyPrefix must be at most 1024 characters; got 1025.']);
  });

  it('names an unknown trigger mode', () => {
    assert.deepEqual(problem({ trigger: 'sqs' as never }), ['trigger must be one of s3, eventbridge; got "sqs".']);
  });

  it('names bad, duplicate and wrongly levelled email addresses', () => {
    assert.deepEqual(
      problem({
        alertEmails: [
          { address: 'not-an-address' },
          { address: 'a@example.com', minLevel: 'urgent' as never },
          { address: 'A@example.com' },
        ],
      }),
      [
        'alertEmails[0].address is not an email address; got "not-an-address".',
        'alertEmails[1].minLevel must be one of informational, low, medium, high, critical; got "urgent".',
        'alertEmails[2].address "A@example.com" is listed twice: list each address once.',
      ],
    );
  });

  it('names malformed Slack ids', () => {
    assert.deepEqual(problem({ slackChannel: { workspaceId: 't-lower', channelId: '#alerts' } }), [
      'slackChannel.workspaceId must be upper-case letters and digits (the id the Chatbot console shows, e.g. T0123ABCD); got "t-lower".',
      `slackChannel.channelId must be letters and digits (the end of the channel's link, e.g. C0123ABCDE); got "#alerts".`,
    ]);
  });

  it('names missing rule folders', () => {
    assert.deepEqual(validateProps({ ruleFolders: [] }), ['ruleFolders must name at least one folder; leave it out to use the bundled rules/.']);
    const missing = `${FIXTURES}no-such-folder`;
    assert.deepEqual(validateProps({ ruleFolders: [missing] }), [`ruleFolders: ${JSON.stringify(missing)} is not a folder.`]);
  });

  it('names function settings out of range', () => {
    assert.deepEqual(
      problem({
        memorySizeMB: 64,
        timeout: Duration.minutes(16),
        reservedConcurrentExecutions: 0,
        retryAttempts: 3,
        maxEventAge: Duration.hours(7),
      }),
      [
        'memorySizeMB must be an integer from 128 to 10240; got 64.',
        'timeout must be from 1 to 900 seconds; got 960 seconds.',
        'reservedConcurrentExecutions must be an integer at least 1; got 0. Leave it out for no reservation (0 would stop the detector).',
        'retryAttempts must be an integer from 0 to 2; got 3.',
        'maxEventAge must be from 60 to 21600 seconds; got 25200 seconds.',
      ],
    );
  });

  it('refuses FIFO topics, which email and Chatbot cannot subscribe to', () => {
    const stack = new Stack(new App(), 'S');
    const fifo = sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:eu-west-1:111122223333:alerts.fifo');
    assert.deepEqual(problem({ existingAlertTopic: fifo }), ['existingAlertTopic is a FIFO topic; email and Chatbot need a standard topic.']);
  });
});

describe('Class: CloudTrailSigma', () => {
  it('throws CloudTrailSigmaPropsError listing every problem before building anything', () => {
    const stack = new Stack(new App(), 'S');
    assert.throws(
      () => new CloudTrailSigma(stack, 'Detector', { keyPrefix: '', memorySizeMB: 1, ruleFolders: [TEST_RULES] }),
      (err: unknown) => {
        assert.ok(err instanceof CloudTrailSigmaPropsError);
        assert.equal(
          err.message,
          "Invalid CloudTrailSigma props:\n- keyPrefix must not be empty: reads are scoped to the trail's folder, e.g. 'AWSLogs/'.\n" +
            '- memorySizeMB must be an integer from 128 to 10240; got 1.',
        );
        return true;
      },
    );
    assert.equal(stack.node.findAll().filter(CfnResource.isCfnResource).length, 0, 'no resource was created');
  });
});
