/** The context values of `cdk deploy -c key=value`, parsed into the app's configuration. */
import * as logs from 'aws-cdk-lib/aws-logs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppConfigError, readAppConfig, type ContextKey } from '../../cdk/appConfig.ts';

const read = (context: Partial<Record<ContextKey, unknown>>) => readAppConfig((key) => context[key]);
const problems = (context: Partial<Record<ContextKey, unknown>>): readonly string[] => {
  try {
    read(context);
  } catch (err) {
    if (err instanceof AppConfigError) return err.problems;
    throw err;
  }
  assert.fail('expected an AppConfigError');
};

describe('Function: readAppConfig()', () => {
  it('defaults to a stack named CloudTrailSigma with nothing imported', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(read({}))), { stackName: 'CloudTrailSigma', alertEmails: [] });
  });

  it('reads every option from -c strings', () => {
    const config = read({
      stackName: 'Detections',
      bucketName: 'org-trail-logs',
      keyPrefix: 'org/AWSLogs/',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      trigger: 'eventbridge',
      alertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      alertTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/5678',
      alertEmail: 'a@example.com:HIGH, b@example.com',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCDE',
      ruleFolders: 'rules, my-rules',
      deduplication: 'false',
      memorySizeMB: '2048',
      timeoutSeconds: '600',
      reservedConcurrency: '10',
      logRetentionDays: '365',
    });
    assert.deepEqual(config, {
      stackName: 'Detections',
      bucketName: 'org-trail-logs',
      keyPrefix: 'org/AWSLogs/',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      trigger: 'eventbridge',
      alertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
      alertTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/5678',
      alertEmails: [{ address: 'a@example.com', minLevel: 'high' }, { address: 'b@example.com' }],
      slackChannel: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCDE' },
      ruleFolders: ['rules', 'my-rules'],
      deduplication: false,
      memorySizeMB: 2048,
      timeoutSeconds: 600,
      reservedConcurrency: 10,
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
  });

  it('accepts the typed values cdk.json can hold', () => {
    const config = read({ deduplication: true, memorySizeMB: 512, alertEmail: ['a@example.com:low', 'b@example.com'] });
    assert.equal(config.deduplication, true);
    assert.equal(config.memorySizeMB, 512);
    assert.deepEqual(config.alertEmails, [{ address: 'a@example.com', minLevel: 'low' }, { address: 'b@example.com' }]);
  });

  it('reports every bad value at once', () => {
    assert.deepEqual(
      problems({
        kmsKeyArn: 'alias/trail',
        trigger: 'sqs',
        alertTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/5678',
        alertEmail: 'a@example.com:urgent',
        slackWorkspaceId: 'T0123ABCD',
        deduplication: 'yes',
        memorySizeMB: '1GB',
        logRetentionDays: '100',
      }),
      [
        'kmsKeyArn must be an ARN like arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; got "alias/trail".',
        'trigger must be one of s3, eventbridge; got "sqs".',
        'alertTopicKmsKeyArn needs alertTopicArn: it is the key of that topic.',
        'alertEmail "a@example.com:urgent": the level must be one of informational, low, medium, high, critical.',
        'slackWorkspaceId and slackChannelId go together: give both, or neither.',
        'deduplication must be true or false; got "yes".',
        'memorySizeMB must be a whole number; got "1GB".',
        'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999; got 100.',
      ],
    );
  });
});
