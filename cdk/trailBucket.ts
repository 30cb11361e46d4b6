/** The new trail bucket, for accounts whose trail does not deliver to a bucket yet. */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/**
 * An SSE-S3, TLS-only, versioned, private bucket that trails of this account may deliver to under `keyPrefix`.
 * Retained on removal: it holds the audit log.
 */
export function createTrailBucket(scope: Construct, keyPrefix: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'TrailBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // The statements CloudTrail needs to deliver, limited to trails of this account.
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
  const cloudtrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSCloudTrailAclCheck',
      principals: [cloudtrail],
      actions: ['s3:GetBucketAcl'],
      resources: [bucket.bucketArn],
      conditions: fromThisAccount,
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSCloudTrailWrite',
      principals: [cloudtrail],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${keyPrefix}*`)],
      conditions: { StringEquals: { ...fromThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }),
  );
  acknowledge(
    bucket,
    'S1',
    'The bucket holds CloudTrail log files, which record the account activity themselves; reads of them can be ' +
      'audited with CloudTrail S3 data events, without a second log bucket that would need its own access log.',
  );
  return bucket;
}
