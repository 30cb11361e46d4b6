/**
 * The handler over mocked S3 and SNS clients: retries of transient read errors, permanent errors reported once,
 * the error that reaches the failure queue, one log line per object and the EMF metrics.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, ObjectsFailedError } from '../lambda/handler.ts';
import type { HandlerDeps } from '../lambda/handler.ts';
import type { AlertClaims } from '../lambda/alerts/dedup.ts';
import type { Context } from 'aws-lambda';
import { failedObjectsIn } from '../lambda/failures.ts';
import { METRIC } from '../lambda/metricNames.ts';
import { cloudTrailRecord, gzipDelivery } from './helpers/factories.ts';
import { BUCKET, recorders, s3Event, testEngine, TOPIC_ARN, trailKey } from './reliability/world.ts';

const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
afterEach(() => {
  s3Mock.reset();
  snsMock.reset();
});

const stop = () => cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' });
const body = (bytes: Buffer) => ({ Body: Readable.from([bytes]) as never });
const awsError = (name: string, status: number, message = name, extra: object = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });

/** A stream that hands over `first` and then breaks like a dropped connection. */
function breakingBody(first: Buffer) {
  let sent = false;
  return {
    Body: new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(first);
        } else {
          this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        }
      },
    }) as never,
  };
}

function setup() {
  const rec = recorders();
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);
  snsMock.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
    Failed: [],
  }));
  const deps: HandlerDeps = {
    config: { alertTopicArn: TOPIC_ARN, objectConcurrency: 2 },
    engine: testEngine(),
    s3: new S3Client({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: rec.logger,
    metrics: rec.metricSink,
    readRetry: { sleep, random: () => 0.5 },
    publishRetry: { sleep },
  };
  return { handler: createHandler(() => deps), deps, rec, sleeps };
}

const getObject = (key: string) => s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key });

describe('Function: handler() retries', () => {
  it('retries a 500 from GetObject with backoff and then processes the object', async () => {
    const { handler, sleeps } = setup();
    const key = trailKey();
    getObject(key).rejectsOnce(awsError('InternalError', 500)).resolves(body(gzipDelivery([stop()])));
    const result = await handler(s3Event([key]));
    assert.equal(result.objects[0]!.status, 'ok');
    assert.equal(result.objects[0]!.attempts, 2);
    assert.equal(result.objects[0]!.alertsPublished, 1);
    assert.deepEqual(sleeps, [100], 'half of the 200 ms ceiling with random() = 0.5');
  });

  it('starts the object over when the stream breaks half-way, alerting once', async () => {
    const { handler } = setup();
    const key = trailKey();
    const gz = gzipDelivery([stop(), ...Array.from({ length: 200 }, (_, i) => cloudTrailRecord({ userAgent: `agent-${i}` }))]);
    getObject(key).resolvesOnce(breakingBody(gz.subarray(0, 40))).resolves(body(gz));
    const result = await handler(s3Event([key]));
    assert.equal(result.objects[0]!.status, 'ok');
    assert.equal(result.objects[0]!.attempts, 2);
    assert.equal(result.objects[0]!.records, 201);
    assert.equal(snsMock.commandCalls(PublishBatchCommand).length, 1);
  });

  it('gives up after 3 tries of SlowDown, failing the object as transient', async () => {
    const { handler, sleeps } = setup();
    const key = trailKey();
    getObject(key).rejects(awsError('SlowDown', 503, 'Please reduce your request rate.'));
    await assert.rejects(handler(s3Event([key])), (err: unknown) => {
      assert.ok(err instanceof ObjectsFailedError);
      assert.equal(err.failed[0]!.attempts, 3);
      assert.deepEqual(err.failed[0]!.error, {
        kind: 'transient', transient: true, message: 'GetObject failed: SlowDown: Please reduce your request rate.',
      });
      return true;
    });
    assert.deepEqual(sleeps, [100, 200]);
  });

  it('reports NoSuchKey once, without retrying', async () => {
    const { handler } = setup();
    const key = trailKey();
    getObject(key).rejects(awsError('NoSuchKey', 404, 'The specified key does not exist.'));
    await assert.rejects(handler(s3Event([key])), (err: ObjectsFailedError) => {
      assert.equal(err.failed[0]!.attempts, 1);
      assert.equal(err.failed[0]!.error?.kind, 'no-such-key');
      assert.equal(err.failed[0]!.error?.transient, false);
      return true;
    });
    assert.equal(s3Mock.commandCalls(GetObjectCommand).length, 1);
  });
});

describe('Function: handler() access denied', () => {
  it('names kms:Decrypt when S3 says the KMS key refused', async () => {
    const { handler } = setup();
    const key = trailKey();
    getObject(key).rejects(awsError('AccessDenied', 403, 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access it.'));
    await assert.rejects(handler(s3Event([key])), (err: ObjectsFailedError) => {
      const e = err.failed[0]!.error!;
      assert.equal(e.kind, 'access-denied');
      assert.match(e.message, /missing kms:Decrypt on the trail's KMS key/);
      assert.match(e.message, /customer master key/, "S3's own words are kept");
      assert.equal(s3Mock.commandCalls(GetObjectCommand).length, 1, 'not retried');
      return true;
    });
  });

  it('names kms:Decrypt for a KMS.AccessDeniedException', async () => {
    const { handler } = setup();
    const key = trailKey();
    getObject(key).rejects(awsError('KMS.AccessDeniedException', 400, 'User: arn:aws:sts::123456789012:assumed-role/fn is not authorized to perform: kms:Decrypt'));
    await assert.rejects(handler(s3Event([key])), (err: ObjectsFailedError) => {
      assert.match(err.failed[0]!.error!.message, /missing kms:Decrypt/);
      return true;
    });
  });

  it('names s3:GetObject on the object and kms:Decrypt as the alternative for a plain AccessDenied', async () => {
    const { handler } = setup();
    const key = trailKey();
    getObject(key).rejects(awsError('AccessDenied', 403, 'Access Denied'));
    await assert.rejects(handler(s3Event([key])), (err: ObjectsFailedError) => {
      assert.match(err.failed[0]!.error!.message, new RegExp(`missing s3:GetObject on arn:aws:s3:::${BUCKET}/${key.replaceAll('.', '\\.')}`));
      assert.match(err.failed[0]!.error!.message, /kms:Decrypt/);
      return true;
    });
  });
});

describe('Function: handler() failure record', () => {
  it('throws an error naming each failed object that failedObjectsIn reads back, after processing the others', async () => {
    const { handler } = setup();
    const [good, gone, denied] = [trailKey(), trailKey(), trailKey()];
    getObject(good).resolves(body(gzipDelivery([stop()])));
    getObject(gone).rejects(awsError('NoSuchKey', 404));
    getObject(denied).rejects(awsError('AccessDenied', 403, 'Access Denied'));
    await assert.rejects(handler(s3Event([good, gone, denied])), (err: unknown) => {
      assert.ok(err instanceof ObjectsFailedError);
      assert.match(err.message, /^2 of 3 object\(s\) failed: s3:\/\/trail-bucket\/\S+ \(no-such-key: /);
      assert.deepEqual(failedObjectsIn(err.message)?.map((f) => [f.bucket, f.key, f.kind, f.transient]), [
        [BUCKET, gone, 'no-such-key', false],
        [BUCKET, denied, 'access-denied', false],
      ]);
      assert.equal(err.results.find((r) => r.key === good)?.alertsPublished, 1);
      return true;
    });
  });
});

describe('Function: handler() observability', () => {
  it('logs an event it cannot read, and fails so the event reaches the failure queue', async () => {
    const { handler, rec } = setup();
    await assert.rejects(handler({ hello: 'world' }), /event has an unknown shape/);
    assert.equal(rec.logs[0]?.level, 'error');
    assert.equal(rec.logs[0]?.message, 'event not understood: no object read');
  });

  it('logs one structured line per object and emits every metric once per invocation', async () => {
    const { handler, rec } = setup();
    const [good, gone, digest] = [trailKey(), trailKey(), trailKey('CloudTrail-Digest')];
    const gz = gzipDelivery([stop(), cloudTrailRecord()]);
    getObject(good).resolves(body(gz));
    getObject(gone).rejects(awsError('NoSuchKey', 404));
    await assert.rejects(handler(s3Event([good, gone, digest])));

    const byObject = new Map(rec.logs.map((l) => [l.fields.key, l]));
    const ok = byObject.get(good)!;
    assert.equal(ok.level, 'info');
    assert.equal(ok.message, 'object processed');
    assert.equal(ok.fields.object, `s3://${BUCKET}/${good}`);
    assert.equal(ok.fields.records, 2);
    assert.equal(ok.fields.matches, 1);
    assert.equal(ok.fields.bytes, gz.length);
    assert.equal(typeof ok.fields.durationMs, 'number');
    assert.equal(byObject.get(gone)!.level, 'error');
    assert.equal(byObject.get(gone)!.message, 'object failed');
    assert.equal((byObject.get(gone)!.fields.error as { kind: string }).kind, 'no-such-key');
    assert.equal(byObject.get(digest)!.message, 'object skipped');

    const metrics = Object.fromEntries(rec.metrics.map((m) => [m.name, m.value]));
    assert.deepEqual(metrics, {
      [METRIC.objectsProcessed]: 2, [METRIC.objectsFailed]: 1, [METRIC.recordsProcessed]: 2, [METRIC.matches]: 1,
      [METRIC.bytesProcessed]: gz.length, [METRIC.alertsPublished]: 1, [METRIC.alertsDeduplicated]: 0,
    });
    assert.equal(rec.metrics.find((m) => m.name === METRIC.bytesProcessed)!.unit, 'Bytes');
    assert.equal(rec.flushes(), 1);
  });

  it('counts matches already alerted in the same object as AlertsDeduplicated', async () => {
    const { handler, rec } = setup();
    const key = trailKey();
    const record = stop();
    getObject(key).resolves(body(gzipDelivery([record, record])));
    await handler(s3Event([key]));
    const metrics = Object.fromEntries(rec.metrics.map((m) => [m.name, m.value]));
    assert.equal(metrics[METRIC.matches], 2);
    assert.equal(metrics[METRIC.alertsPublished], 1);
    assert.equal(metrics[METRIC.alertsDeduplicated], 1);
  });
});

describe('Function: handler() claims', () => {
  it("claims each alert until the invocation's deadline, so a claim left by a dead invocation lapses before its retry", async () => {
    const { deps } = setup();
    const deadlines: (number | undefined)[] = [];
    const claims: AlertClaims = {
      claim: async (keys, deadline) => keys.map(() => (deadlines.push(deadline), { status: 'claimed' as const })),
      confirm: async () => [],
      release: async () => [],
    };
    const key = trailKey();
    getObject(key).resolves(body(gzipDelivery([stop()])));
    const before = Date.now();
    await createHandler(() => ({ ...deps, claims }))(s3Event([key]), { getRemainingTimeInMillis: () => 60_000 } as Context);
    assert.equal(deadlines.length, 1);
    assert.ok(deadlines[0]! >= before + 60_000 && deadlines[0]! <= Date.now() + 60_000, `deadline ${deadlines[0]} is now + the remaining time`);
  });
});
