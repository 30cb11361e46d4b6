/** The deployable stack of `cdk/app.ts`: imports what the context names, adds the construct and its outputs. */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import type { AppConfig } from './appConfig.ts';
import { CloudTrailSigma } from './cloudTrailSigma.ts';

export type CloudTrailSigmaStackProps = StackProps & { readonly config: AppConfig };

function importBucket(scope: Construct, nameOrArn: string): s3.IBucket {
  return nameOrArn.startsWith('arn:')
    ? s3.Bucket.fromBucketArn(scope, 'ImportedTrailBucket', nameOrArn)
    : s3.Bucket.fromBucketName(scope, 'ImportedTrailBucket', nameOrArn);
}

export class CloudTrailSigmaStack extends Stack {
  readonly detector: CloudTrailSigma;

  constructor(scope: Construct, id: string, { config, ...stackProps }: CloudTrailSigmaStackProps) {
    super(scope, id, {
      description: 'cloudtrail-sigma: Sigma detections on every CloudTrail log file delivered to S3',
      ...stackProps,
    });
    const c = config;
    this.detector = new CloudTrailSigma(this, 'Detector', {
      existingTrailBucket: c.bucketName ? importBucket(this, c.bucketName) : undefined,
      keyPrefix: c.keyPrefix,
      trailKey: c.kmsKeyArn ? kms.Key.fromKeyArn(this, 'ImportedTrailKey', c.kmsKeyArn) : undefined,
      trigger: c.trigger,
      existingAlertTopic: c.alertTopicArn
        ? sns.Topic.fromTopicAttributes(this, 'ImportedAlertTopic', { topicArn: c.alertTopicArn, keyArn: c.alertTopicKmsKeyArn })
        : undefined,
      alertEmails: c.alertEmails,
      slackChannel: c.slackChannel,
      ruleFolders: c.ruleFolders?.map((folder) => resolve(folder)),
      deduplication: c.deduplication,
      memorySizeMB: c.memorySizeMB,
      timeout: c.timeoutSeconds === undefined ? undefined : Duration.seconds(c.timeoutSeconds),
      reservedConcurrentExecutions: c.reservedConcurrency,
      logRetention: c.logRetention,
    });

    const d = this.detector;
    new CfnOutput(this, 'AlertTopicArn', { value: d.alertTopic.topicArn, description: 'Subscribe alert consumers here' });
    new CfnOutput(this, 'OpsTopicArn', { value: d.opsTopic.topicArn, description: 'Operational alarms' });
    new CfnOutput(this, 'FailureQueueUrl', { value: d.failureQueue.queueUrl, description: 'Failed log files: cloudtrail-sigma redrive --queue URL' });
    new CfnOutput(this, 'HandlerName', { value: d.handler.functionName, description: 'The detector function' });
    new CfnOutput(this, 'TrailBucketName', { value: d.trailBucket.bucketName, description: 'The bucket read' });
    if (d.dedupTable) new CfnOutput(this, 'DedupTableName', { value: d.dedupTable.tableName, description: 'Alert de-duplication markers' });
  }
}
