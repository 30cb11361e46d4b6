/** An existing SSE-KMS trail bucket and an existing alert topic: merge, don't replace, and grant on their keys only. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KMS_KEY_ARN, handlerStatements, onlyResource, synth, type Synthesised } from './helpers.ts';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:security-alerts';
const TOPIC_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/5678efgh-12ab-34cd-56ef-1234567890ab';

describe('CloudTrailSigma: imported SSE-KMS bucket', () => {
  let s: Synthesised;
  before(() => {
    s = synth({
      bucketName: 'org-trail-logs',
      keyPrefix: 'org/AWSLogs/',
      kmsKeyArn: KMS_KEY_ARN,
      alertTopicArn: TOPIC_ARN,
      alertTopicKmsKeyArn: TOPIC_KEY_ARN,
      deduplication: 'false',
    });
  });
  after(() => s.cleanup());

  it('creates no bucket and merges its notification into the existing configuration (Managed: false)', () => {
    s.template.resourceCountIs('AWS::S3::Bucket', 0);
    const n = onlyResource(s.template, 'Custom::S3BucketNotifications').properties;
    assert.equal(n.Managed, false);
    assert.equal(n.BucketName, 'org-trail-logs');
    assert.deepEqual(n.NotificationConfiguration.LambdaFunctionConfigurations[0].Filter, {
      Key: { FilterRules: [{ Name: 'suffix', Value: '.json.gz' }, { Name: 'prefix', Value: 'org/AWSLogs/' }] },
    });
  });

  it('lets the notifications custom resource read and write that bucket’s notification configuration only', () => {
    const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::org-trail-logs']] };
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: ['s3:GetBucketNotification', 's3:PutBucketNotification'], Effect: 'Allow', Resource: bucketArn }],
      },
    });
  });

  it('grants GetObject under the prefix, kms:Decrypt on the trail key via S3, and Publish with the topic’s key', () => {
    const d = s.stack.detector;
    const via = (service: string) => ({ StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
    assert.deepEqual(handlerStatements(s).slice(2), [
      {
        Sid: 'ReadTrailObjects',
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::org-trail-logs/org/AWSLogs/*']] },
      },
      { Sid: 'DecryptTrailObjects', Action: 'kms:Decrypt', Effect: 'Allow', Resource: KMS_KEY_ARN, Condition: via('s3') },
      { Sid: 'PublishAlerts', Action: 'sns:Publish', Effect: 'Allow', Resource: TOPIC_ARN },
      { Sid: 'EncryptAlerts', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: TOPIC_KEY_ARN, Condition: via('sns') },
    ]);
    assert.equal(d.dedupTable, undefined);
  });

  it('publishes to the existing topic, creates no dedup table and keeps a new ops topic for the alarms', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { ALERT_TOPIC_ARN: TOPIC_ARN } } });
    const env = Object.values(s.template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }))[0]!.Properties
      .Environment.Variables;
    assert.equal(env.DEDUP_TABLE_NAME, undefined);
    s.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    s.template.resourceCountIs('AWS::SNS::Topic', 1);
  });
});
