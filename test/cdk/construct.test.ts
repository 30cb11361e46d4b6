/** The default deployment: a new trail bucket, S3 notification trigger, new topics, de-duplication on. */
import { Match } from 'aws-cdk-lib/assertions';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBundle } from '../../lambda/sigma/index.ts';
import { handlerStatements, onlyResource, synth, type Synthesised } from './helpers.ts';

const sslOnly = (resource: unknown, action: string, principal: unknown) => ({
  Action: action,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  Effect: 'Deny',
  Principal: principal,
  Resource: resource,
});

describe('CloudTrailSigma: new trail bucket, S3 notification', () => {
  let s: Synthesised;
  before(() => {
    s = synth({});
  });
  after(() => s.cleanup());

  it('notifies the function of objects under AWSLogs/ ending .json.gz', () => {
    const n = onlyResource(s.template, 'Custom::S3BucketNotifications').properties;
    assert.equal(n.Managed, true);
    assert.deepEqual(n.NotificationConfiguration, {
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.json.gz' }, { Name: 'prefix', Value: 'AWSLogs/' }] } },
          LambdaFunctionArn: s.resolve(s.stack.detector.handler.functionArn),
        },
      ],
    });
  });

  it('runs nodejs24.x on arm64 with the alert topic and dedup table in its environment', () => {
    const d = s.stack.detector;
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          ALERT_TOPIC_ARN: s.resolve(d.alertTopic.topicArn),
          DEDUP_TABLE_NAME: s.resolve(d.dedupTable!.tableName),
        }),
      },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: s.resolve(d.handler.logGroup.logGroupName) },
    });
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('ships the compiled rules as rules.bundle.json beside the ESM handler', () => {
    const code = s.template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
    const key = String(Object.values(code)[0]!.Properties.Code.S3Key);
    const asset = join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    assert.ok(existsSync(join(asset, 'index.mjs')), `index.mjs in ${asset}`);
    const bundle = parseBundle(readFileSync(join(asset, 'rules.bundle.json'), 'utf8'));
    assert.deepEqual(
      bundle.rules.map((r) => r.meta.id),
      ['6f0b5c1e-2d4a-4c1b-9a57-0c7e3b1d9f10'],
    );
  });

  it('grants exactly: its logs, the failure queue, GetObject under the prefix, Publish and the topic key via SNS, the dedup writes', () => {
    const d = s.stack.detector;
    assert.deepEqual(handlerStatements(s), [
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: s.resolve(d.handler.logGroup.logGroupArn) },
      { Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Effect: 'Allow', Resource: s.resolve(d.failureQueue.queueArn) },
      { Sid: 'ReadTrailObjects', Action: 's3:GetObject', Effect: 'Allow', Resource: s.resolve(d.trailBucket.arnForObjects('AWSLogs/*')) },
      { Sid: 'PublishAlerts', Action: 'sns:Publish', Effect: 'Allow', Resource: s.resolve(d.alertTopic.topicArn) },
      {
        Sid: 'EncryptAlerts',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: s.resolve(d.topicKey!.keyArn),
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      },
      { Sid: 'DeduplicateAlerts', Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Effect: 'Allow', Resource: s.resolve(d.dedupTable!.tableArn) },
    ]);
  });

  it('sends what fails after 2 retries within 6 hours to an encrypted, TLS-only queue kept 14 days', () => {
    const d = s.stack.detector;
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: s.resolve(d.handler.functionName),
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: s.resolve(d.failureQueue.queueArn) } },
    });
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([sslOnly(s.resolve(d.failureQueue.queueArn), 'sqs:*', { AWS: '*' })]) },
    });
  });

  it('alarms on errors, throttles, lost destination deliveries and a non-empty failure queue, to the ops topic', () => {
    const d = s.stack.detector;
    const alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort(),
      ['AWS/Lambda/DestinationDeliveryFailures', 'AWS/Lambda/Errors', 'AWS/Lambda/Throttles', 'AWS/SQS/ApproximateNumberOfMessagesVisible', 'CloudTrailSigma/ObjectsFailed', 'CloudTrailSigma/ObjectsProcessed'],
    );
    // The silent-detector alarm (ObjectsProcessed) works the other way round: test/cdk/metricAlarms.test.ts.
    for (const a of alarms.filter((x) => x.MetricName !== 'ObjectsProcessed')) {
      assert.deepEqual(a.AlarmActions, [s.resolve(d.opsTopic.topicArn)]);
      assert.equal(a.Threshold, 1);
      assert.equal(a.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(a.TreatMissingData, 'notBreaching');
    }
  });

  it('encrypts both topics with a rotated customer-managed key and accepts TLS only', () => {
    const d = s.stack.detector;
    s.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const topic of [d.alertTopic, d.opsTopic]) {
      const ref = s.resolve(topic.topicArn) as { Ref: string };
      const resource = s.template.toJSON().Resources[ref.Ref];
      assert.deepEqual(resource.Properties.KmsMasterKeyId, s.resolve(d.topicKey!.keyArn));
      s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref],
        PolicyDocument: { Statement: Match.arrayWith([{ ...sslOnly(ref, 'sns:Publish', '*'), Sid: 'AllowPublishThroughSSLOnly' }]) },
      });
    }
  });

  it('creates a private, encrypted, TLS-only, retained trail bucket that this account’s trails may write to', () => {
    const bucket = s.template.findResources('AWS::S3::Bucket');
    const [resource] = Object.values(bucket);
    assert.equal(resource!.DeletionPolicy, 'Retain');
    assert.deepEqual(resource!.Properties.BucketEncryption, { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    assert.deepEqual(resource!.Properties.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const account = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AWSCloudTrailAclCheck', Action: 's3:GetBucketAcl', Condition: account }),
          Match.objectLike({
            Sid: 'AWSCloudTrailWrite',
            Action: 's3:PutObject',
            Resource: s.resolve(s.stack.detector.trailBucket.arnForObjects('AWSLogs/*')),
            Condition: { StringEquals: { ...account.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
        ]),
      },
    });
  });

  it('outputs the topics, the failure queue, the function, the bucket and the dedup table', () => {
    assert.deepEqual(Object.keys(s.template.findOutputs('*')).sort(), [
      'AlertTopicArn',
      'DedupTableName',
      'FailureQueueUrl',
      'HandlerName',
      'OpsTopicArn',
      'TrailBucketName',
    ]);
  });

  it('keeps its logical ids (a renamed construct id would replace the resource)', () => {
    const ids = Object.keys(s.template.toJSON().Resources).filter((id) => id.startsWith('Detector'));
    for (const id of [
      'DetectorTrailBucketE4916E99',
      'DetectorFailureQueue4A69DB67',
      'DetectorTopicKey55CE57F6',
      'DetectorAlertTopic88AB7475',
      'DetectorOpsTopicA7F062F4',
      'DetectorDedupTableAB85D0A3',
      'DetectorHandlerRoleE65DFF38',
      'DetectorHandlerLogsFCA93D53',
      'DetectorHandler93D824A6',
      'DetectorHandlerErrorsAlarmAD262957',
      'DetectorHandlerThrottlesAlarm415AE7E6',
      'DetectorDestinationDeliveryFailuresAlarm5EF5A6CB',
      'DetectorFailureQueueDepthAlarm45A3E41B',
    ]) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    }
  });
});
