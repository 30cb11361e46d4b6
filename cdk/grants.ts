/** The detector's permissions, each on the one resource it needs, written out rather than granted broadly. */
import { Aws } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { DEDUP_TABLE_ACTIONS } from './defaults.ts';
import { acknowledge, nagResourceName } from './nag.ts';

export interface DetectorGrants {
  readonly bucket: s3.IBucket;
  readonly keyPrefix: string;
  readonly trailKey?: kms.IKey;
  readonly alertTopic: sns.ITopic;
  readonly dedupTable?: dynamodb.ITable;
}

/**
 * `s3:GetObject` below the prefix (no list, no bucket-level read); `kms:Decrypt` on the trail key, through S3 only;
 * `sns:Publish` on the alert topic and, for an encrypted topic, the two key actions publishing needs.
 */
export function grantDetector(handler: lambda.Function, grants: DetectorGrants): void {
  const objects = grants.bucket.arnForObjects(`${grants.keyPrefix}*`);
  handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadTrailObjects', actions: ['s3:GetObject'], resources: [objects] }));
  acknowledge(
    handler.role ?? handler,
    'IAM5',
    'Log file keys are not known in advance: the read is limited to objects under the trail prefix.',
    `Resource::${nagResourceName(handler, objects)}`,
  );
  if (grants.trailKey) {
    handler.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DecryptTrailObjects',
        actions: ['kms:Decrypt'],
        resources: [grants.trailKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [grants.alertTopic.topicArn] }));
  if (grants.alertTopic.masterKey) {
    handler.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptAlerts',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [grants.alertTopic.masterKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  if (grants.dedupTable) {
    handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'DeduplicateAlerts', actions: DEDUP_TABLE_ACTIONS, resources: [grants.dedupTable.tableArn] }));
  }
}
