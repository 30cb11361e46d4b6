/** EventBridge mode, for buckets whose S3 notification already has a consumer. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onlyResource, synth, type Synthesised } from './helpers.ts';

describe('CloudTrailSigma: EventBridge trigger', () => {
  let s: Synthesised;
  before(() => {
    s = synth({ bucketName: 'shared-trail-logs', trigger: 'eventbridge' });
  });
  after(() => s.cleanup());

  it('turns on EventBridge delivery for the bucket, keeping its other notifications, and adds no S3 notification', () => {
    const n = onlyResource(s.template, 'Custom::S3BucketNotifications').properties;
    assert.equal(n.Managed, false);
    assert.deepEqual(n.NotificationConfiguration, { EventBridgeConfiguration: {} });
  });

  it('invokes the function for "Object Created" under the prefix ending .json.gz, dead letters to the failure queue', () => {
    const d = s.stack.detector;
    const rule = onlyResource(s.template, 'AWS::Events::Rule').properties;
    assert.deepEqual(rule.EventPattern, {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['shared-trail-logs'] }, object: { key: [{ wildcard: 'AWSLogs/*.json.gz' }] } },
    });
    assert.deepEqual(rule.Targets, [
      {
        Arn: s.resolve(d.handler.functionArn),
        Id: 'Target0',
        DeadLetterConfig: { Arn: s.resolve(d.failureQueue.queueArn) },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
    ]);
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: s.resolve(d.objectCreatedRule!.ruleArn),
    });
  });

  it('lets only this rule send dead letters to the failure queue', () => {
    const d = s.stack.detector;
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          { Action: 'sqs:*', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' }, Resource: s.resolve(d.failureQueue.queueArn) },
          {
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': s.resolve(d.objectCreatedRule!.ruleArn) } },
            Resource: s.resolve(d.failureQueue.queueArn),
            Sid: `AllowEventRule${s.stack.stackName}DetectorObjectCreatedRuleEB9C66EF`,
          },
        ],
      },
    });
  });
});
