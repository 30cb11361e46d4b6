/** S3: object-level data events (the bulk of a busy trail) and bucket-level management calls. */
import { trickyText } from '../adversarial.ts';
import type { Rng } from '../prng.ts';
import { isoSeconds } from '../values.ts';
import { kmsKeyArn, type World } from '../world.ts';
import { template, type BuildContext, type EventTemplate, type Json } from './types.ts';

const OBJECT_PREFIXES = ['uploads', 'exports/daily', 'images/original', 'releases', 'raw/events', 'tmp'];
const OBJECT_EXTS = ['json', 'csv.gz', 'parquet', 'png', 'zip', 'txt'];

function objectKey(rng: Rng, timeMs: number): string {
  // About one object key in a hundred carries caller-controlled awkward text, as real bucket contents do.
  if (rng.chance(0.01)) return `uploads/${trickyText(rng)}`;
  const day = isoSeconds(timeMs).slice(0, 10).replaceAll('-', '/');
  return `${rng.pick(OBJECT_PREFIXES)}/${day}/${rng.hex(12)}.${rng.pick(OBJECT_EXTS)}`;
}

function bucketOf(ctx: BuildContext): string {
  const { rng, world, actor } = ctx;
  // The log-delivery services write to the logs bucket; everyone else spreads over the buckets.
  if (actor.type === 'AWSService') return world.buckets[world.buckets.length - 1] ?? 'org-trail-logs';
  return rng.pick(world.buckets);
}

function host(bucket: string, world: World): string {
  return `${bucket}.s3.${world.region}.amazonaws.com`;
}

function transfer(rng: Rng, bytesIn: number, bytesOut: number, sse: boolean): Json {
  const data: Json = {
    SignatureVersion: 'SigV4',
    CipherSuite: rng.chance(0.7) ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': `${rng.base64(76)}=`,
    bytesTransferredOut: bytesOut,
  };
  if (sse) data['SSEApplied'] = 'SSE_KMS';
  return data;
}

function bucketResource(world: World, bucket: string): Json {
  return { accountId: world.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` };
}

function objectResources(world: World, bucket: string, key: string): Json[] {
  return [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, bucketResource(world, bucket)];
}

function objectCall(name: string, weight: number, readOnly: boolean, callers: EventTemplate['callers'], sizeOut: boolean): EventTemplate {
  return template({
    source: 's3.amazonaws.com',
    name,
    weight,
    readOnly,
    data: true,
    callers,
    build(ctx) {
      const { rng, world, timeMs } = ctx;
      const bucket = bucketOf(ctx);
      const key = ctx.actor.type === 'AWSService' ? `AWSLogs/${world.account}/${rng.hex(20)}.json.gz` : objectKey(rng, timeMs);
      const size = rng.range(200, 4_000_000);
      const sse = name === 'PutObject' && rng.chance(0.6);
      const requestParameters: Json = { bucketName: bucket, Host: host(bucket, world), key };
      if (name === 'PutObject' && ctx.actor.type === 'AWSService') requestParameters['x-amz-acl'] = 'bucket-owner-full-control';
      const responseElements = sse
        ? {
            'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyArn(world, world.kmsKeys[0] ?? ''),
            'x-amz-server-side-encryption': 'aws:kms',
            'x-amz-version-id': rng.alnum(32),
          }
        : null;
      return {
        requestParameters,
        responseElements,
        additionalEventData: transfer(rng, name === 'PutObject' ? size : 0, sizeOut ? size : 0, sse),
        resources: objectResources(world, bucket, key),
      };
    },
  });
}

interface BucketCallOptions {
  readonly errors?: EventTemplate['errors'];
  readonly data?: boolean;
}

function bucketCall(name: string, weight: number, subresource: string, callers: EventTemplate['callers'], opts: BucketCallOptions = {}): EventTemplate {
  return template({
    source: 's3.amazonaws.com',
    name,
    weight,
    readOnly: true,
    callers,
    ...opts,
    build(ctx) {
      const { rng, world } = ctx;
      const bucket = bucketOf(ctx);
      const requestParameters: Json = { bucketName: bucket, Host: host(bucket, world) };
      if (subresource) requestParameters[subresource] = '';
      return {
        requestParameters,
        responseElements: null,
        additionalEventData: transfer(rng, 0, rng.range(0, 2_000), false),
        resources: [bucketResource(world, bucket)],
      };
    },
  });
}

export const s3Templates: readonly EventTemplate[] = [
  objectCall('GetObject', 140, true, { app: 6, human: 1, crossAccount: 1, ci: 1 }, true),
  objectCall('PutObject', 110, false, { app: 5, ci: 2, human: 1, 'svc:cloudtrail.amazonaws.com': 3, 'svc:delivery.logs.amazonaws.com': 3 }, false),
  objectCall('HeadObject', 40, true, { app: 4, ci: 1 }, false),
  objectCall('DeleteObject', 10, false, { app: 3, human: 1 }, false),
  bucketCall('ListObjects', 20, 'list-type', { app: 3, human: 2, ci: 1 }, { data: true }),
  bucketCall('GetBucketAcl', 60, 'acl', { 'svc:cloudtrail.amazonaws.com': 8, 'svc:delivery.logs.amazonaws.com': 2, linked: 1 }),
  bucketCall('GetBucketLocation', 15, 'location', { human: 2, ci: 1, linked: 1, app: 1 }),
  bucketCall('GetBucketPolicy', 8, 'policy', { linked: 2, human: 1 }, {
    errors: [{ code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist', p: 0.4 }],
  }),
  bucketCall('GetBucketVersioning', 6, 'versioning', { linked: 2, ci: 1 }),
  bucketCall('GetBucketEncryption', 5, 'encryption', { linked: 2, ci: 1 }, {
    errors: [{ code: 'ServerSideEncryptionConfigurationNotFoundError', message: 'The server side encryption configuration was not found', p: 0.1 }],
  }),
  bucketCall('GetBucketPublicAccessBlock', 5, 'publicAccessBlock', { linked: 2, human: 1 }, {
    errors: [{ code: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found', p: 0.2 }],
  }),
  template({
    source: 's3.amazonaws.com',
    name: 'ListBuckets',
    weight: 8,
    readOnly: true,
    callers: { human: 3, linked: 1, ci: 1 },
    build: (ctx) => ({
      requestParameters: { Host: `s3.${ctx.world.region}.amazonaws.com` },
      responseElements: null,
      additionalEventData: transfer(ctx.rng, 0, ctx.rng.range(500, 5_000), false),
    }),
  }),
];
