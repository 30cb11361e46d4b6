/**
 * Bad input end to end: S3 objects in a real emulator (moto), the handler called with the notification S3 sends.
 * Every case puts the bad object beside a good one in the same event and checks the exact outcome of both: the bad
 * object is named with its error kind (or processed/skipped as it should be), and the good one is still alerted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { createHandler, ObjectsFailedError } from '../../lambda/handler.ts';
import type { HandlerDeps, InvocationResult, ObjectResult } from '../../lambda/handler.ts';
import { motoClientConfig, motoS3ClientConfig, skipUnlessMoto, startMoto } from '../helpers/moto.ts';
import type { MotoServer } from '../helpers/moto.ts';
import { cloudTrailRecord, deliveryJson, gzipDelivery } from '../helpers/factories.ts';
import { BUCKET, recorders, s3Event, testEngine, trailKey } from './world.ts';

const DENIED_BUCKET = 'trail-bucket-denied';
const stop = (extra: Record<string, unknown> = {}) => cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', ...extra });

/** JSON text of `levels` objects, each inside the last, around a string (built as text: JSON.stringify would overflow the stack). */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}"deep"${'}'.repeat(levels)}`;
}

/** A StopLogging record whose `field` holds the given JSON text. */
const stopWith = (field: string, json: string) => JSON.stringify(stop({ [field]: '@@' })).replace('"@@"', json);

describe('Bad input through the handler (moto S3)', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let handler: ReturnType<typeof createHandler>;

  before(async () => {
    moto = await startMoto();
    s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: DENIED_BUCKET }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${DENIED_BUCKET}/*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: DENIED_BUCKET, Policy: JSON.stringify(policy) }));
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    const deps: HandlerDeps = {
      config: { alertTopicArn: topicArn, objectConcurrency: 4 },
      engine: testEngine(),
      s3, sns,
      logger: recorders().logger,
      readRetry: { sleep: async () => undefined },
    };
    handler = createHandler(() => deps);
  });

  after(async () => {
    await moto?.stop();
  });

  async function put(body: Buffer | string, key = trailKey(), bucket = BUCKET): Promise<string> {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    return key;
  }

  /** Runs the handler on [bad, good]; returns both results, and the error when the invocation failed. */
  async function beside(badKey: string, bucket = BUCKET): Promise<{ bad: ObjectResult; good: ObjectResult; error?: ObjectsFailedError }> {
    const goodKey = await put(gzipDelivery([stop()]));
    const event = s3Event([badKey, goodKey]);
    if (bucket !== BUCKET) event.Records[0]!.s3.bucket.name = bucket;
    let results: readonly ObjectResult[];
    let error: ObjectsFailedError | undefined;
    try {
      results = (await handler(event)).objects;
    } catch (err) {
      if (!(err instanceof ObjectsFailedError)) throw err;
      error = err;
      results = err.results;
    }
    const bad = results.find((r) => r.key === badKey)!;
    const good = results.find((r) => r.key === goodKey)!;
    assert.equal(good.status, 'ok', 'the good object beside the bad one is processed');
    assert.equal(good.alertsPublished, 1, 'and alerted');
    return { bad, good, ...(error ? { error } : {}) };
  }

  /** The bad object failed with `kind`, is named in the invocation's error, and no other object failed. */
  function assertFailed(r: { bad: ObjectResult; error?: ObjectsFailedError }, kind: string, message?: RegExp) {
    assert.equal(r.bad.status, 'failed');
    assert.equal(r.bad.error?.kind, kind);
    assert.ok(r.error, 'the invocation fails, so the event is retried and then queued');
    assert.deepEqual(r.error.failed.map((f) => f.key), [r.bad.key]);
    assert.ok(r.error.message.includes(`s3://${r.bad.bucket}/${r.bad.key} (${kind}: `), r.error.message);
    if (message) assert.match(r.bad.error!.message, message);
  }

  it('not gzip (binary bytes): failed, not-json', async () => {
    const r = await beside(await put(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00])));
    assertFailed(r, 'not-json', /expected a JSON object or array of CloudTrail records/);
  });

  it('not gzip but a plain JSON delivery: read by its content', async () => {
    const r = await beside(await put(deliveryJson([stop()])));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.alertsPublished, 1);
  });

  it('gzip truncated mid-stream: failed, truncated-gzip, records before the cut still alerted', async () => {
    const many = [stop(), ...Array.from({ length: 300 }, (_, i) => cloudTrailRecord({ userAgent: `agent-${i}-${'x'.repeat(i)}` }))];
    const full = gzipDelivery(many);
    const r = await beside(await put(full.subarray(0, Math.floor(full.length / 2))));
    assertFailed(r, 'truncated-gzip', /gzip data ends early/);
    assert.equal(r.bad.alertsPublished, 1);
  });

  it('gzip of non-JSON: failed, not-json', async () => {
    assertFailed(await beside(await put(gzipSync('this is not json'))), 'not-json');
  });

  it('JSON without Records: failed, no-records', async () => {
    assertFailed(await beside(await put(gzipSync('{"hello":"world"}'))), 'no-records');
  });

  it('an empty object: failed, empty', async () => {
    assertFailed(await beside(await put(Buffer.alloc(0))), 'empty', /empty file/);
  });

  it('{"Records":[]}: ok with no records', async () => {
    const r = await beside(await put(gzipSync('{"Records":[]}')));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.records, 0);
    assert.equal(r.error, undefined);
  });

  it('a digest file: skipped by its key, and by its content under a log file key', async () => {
    const digest = gzipSync(JSON.stringify({ awsAccountId: '123456789012', digestStartTime: 'a', digestEndTime: 'b', logFiles: [], digestPublicKeyFingerprint: 'f' }));
    const byKey = await beside(await put(digest, trailKey('CloudTrail-Digest')));
    assert.equal(byKey.bad.status, 'skipped');
    assert.match(byKey.bad.skipReason!, /digest/);
    const byContent = await beside(await put(digest));
    assert.equal(byContent.bad.status, 'skipped');
    assert.match(byContent.bad.skipReason!, /digest/);
    assert.equal(byContent.error, undefined);
  });

  it('an Insight file: skipped', async () => {
    const insight = gzipDelivery([{ eventVersion: '1.08', eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', insightDetails: { state: 'Start' } }]);
    const r = await beside(await put(insight, trailKey('CloudTrail-Insight')));
    assert.equal(r.bad.status, 'skipped');
    assert.match(r.bad.skipReason!, /insight/i);
  });

  it('an s3:TestEvent: ignored, not an error', async () => {
    const result: InvocationResult = await handler({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-30T10:15:00.000Z', Bucket: BUCKET, RequestId: 'R', HostId: 'H' });
    assert.deepEqual(result.objects, []);
    assert.match(result.ignored[0]!, /s3:TestEvent/);
  });

  it('a 256 KB record: processed and alerted', async () => {
    const big = stop({ requestParameters: { blob: 'x'.repeat(256 * 1024) } });
    const r = await beside(await put(gzipDelivery([big, cloudTrailRecord()])));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.records, 2);
    assert.equal(r.bad.alertsPublished, 1);
  });

  it('12-level nesting: evaluated and alerted', async () => {
    const r = await beside(await put(gzipSync(`{"Records":[${stopWith('requestParameters', nested(12))}]}`)));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.matches, 1);
    assert.equal(r.bad.alertsPublished, 1);
  });

  it('10,000-level nesting: reported as record-too-deep, not evaluated, the other objects still processed', async () => {
    const r = await beside(await put(gzipSync(`{"Records":[${stopWith('responseElements', nested(10_000))}]}`)));
    assert.equal(r.bad.matches, 0);
    assertFailed(r, 'record-too-deep');
  });

  it('__proto__, constructor and prototype keys: evaluated (the rule reading them matches), no prototype pollution', async () => {
    const body = `{"Records":[{"eventVersion":"1.09","eventID":"p-1","eventTime":"2026-11-30T10:15:00Z","eventName":"PutBucketPolicy","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","recipientAccountId":"123456789012",`
      + '"requestParameters":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}}]}';
    const r = await beside(await put(gzipSync(body)));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.matches, 1);
    assert.equal(r.bad.alertsPublished, 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });

  it('invalid UTF-8: decoded with replacement characters, evaluated and alerted', async () => {
    const record = Buffer.from(JSON.stringify(stop({ userAgent: '@@' })));
    const at = record.indexOf('@@');
    const broken = Buffer.concat([Buffer.from('{"Records":['), record.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3]), record.subarray(at + 2), Buffer.from(']}')]);
    const r = await beside(await put(gzipSync(broken)));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.alertsPublished, 1);
  });

  it('multi-member gzip: every member read', async () => {
    const r = await beside(await put(Buffer.concat([gzipDelivery([stop()]), gzipDelivery([cloudTrailRecord(), stop()])])));
    assert.equal(r.bad.status, 'ok');
    assert.equal(r.bad.records, 3);
    assert.equal(r.bad.alertsPublished, 2);
  });

  it('an object deleted before it is read: failed, no-such-key, reported once', async () => {
    const r = await beside(trailKey());
    assertFailed(r, 'no-such-key', /object does not exist \(deleted before it was read/);
    assert.equal(r.bad.attempts, 1);
    assert.equal(r.bad.error?.transient, false);
  });

  it('GetObject AccessDenied (bucket policy): failed, access-denied, naming s3:GetObject and kms:Decrypt', async () => {
    const key = await put(gzipDelivery([stop()]), trailKey(), DENIED_BUCKET);
    const r = await beside(key, DENIED_BUCKET);
    assertFailed(r, 'access-denied', new RegExp(`missing s3:GetObject on arn:aws:s3:::${DENIED_BUCKET}/`));
    assert.match(r.bad.error!.message, /kms:Decrypt on the trail's KMS key if the bucket uses SSE-KMS/);
    assert.equal(r.bad.attempts, 1);
  });
});
