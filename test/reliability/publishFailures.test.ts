/**
 * SNS refusing alerts, through the handler: objects from a real S3 emulator (moto), SNS mocked to throttle and to
 * fail single entries of a batch. Transient refusals are retried until published; an alert SNS will never take
 * fails its own object (named, kind publish-failed) and no other.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PublishBatchCommandInput, PublishBatchResultEntry, BatchResultErrorEntry } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, ObjectsFailedError } from '../../lambda/handler.ts';
import type { HandlerDeps } from '../../lambda/handler.ts';
import { motoS3ClientConfig, skipUnlessMoto, startMoto } from '../helpers/moto.ts';
import type { MotoServer } from '../helpers/moto.ts';
import { cloudTrailRecord, gzipDelivery } from '../helpers/factories.ts';
import { BUCKET, recorders, s3Event, testEngine, TOPIC_ARN, trailKey } from './world.ts';

const snsMock = mockClient(SNSClient);

/** Answers each entry as `fate` says: published, or failed with a code and SenderFault. */
function answerEntries(fate: (message: string, call: number) => { code: string; senderFault: boolean } | undefined) {
  let call = 0;
  snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    call++;
    const Successful: PublishBatchResultEntry[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const e of input.PublishBatchRequestEntries ?? []) {
      const f = fate(e.Message ?? '', call);
      if (f) Failed.push({ Id: e.Id, Code: f.code, SenderFault: f.senderFault, Message: `${f.code} from the test` });
      else Successful.push({ Id: e.Id, MessageId: `m-${call}-${e.Id}` });
    }
    return { Successful, Failed };
  });
}

describe('SNS throttling and partial batch failures through the handler', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let sleeps: number[] = [];
  let handler: ReturnType<typeof createHandler>;

  before(async () => {
    moto = await startMoto();
    s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const deps: HandlerDeps = {
      config: { alertTopicArn: TOPIC_ARN, objectConcurrency: 1 },
      engine: testEngine(),
      s3,
      sns: new SNSClient({ region: 'us-east-1' }),
      logger: recorders().logger,
      publishRetry: { sleep: async (ms) => void sleeps.push(ms) },
    };
    handler = createHandler(() => deps);
  });
  afterEach(() => {
    snsMock.reset();
    sleeps = [];
  });
  after(async () => {
    snsMock.restore();
    await moto?.stop();
  });

  /** An object with one StopLogging record whose user agent carries `marker`, so the test can tell alerts apart. */
  async function object(marker: string): Promise<string> {
    const key = trailKey();
    const record = cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', userAgent: marker });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gzipDelivery([record]) }));
    return key;
  }

  it('retries a throttled PublishBatch with backoff until it is published', async () => {
    const key = await object('throttled-call');
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttled', $metadata: { httpStatusCode: 400 } });
    snsMock.on(PublishBatchCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ Successful: [{ Id: 'm0', MessageId: 'x' }], Failed: [] });
    const result = await handler(s3Event([key]));
    assert.equal(result.objects[0]!.status, 'ok');
    assert.equal(result.objects[0]!.alertsPublished, 1);
    assert.equal(snsMock.commandCalls(PublishBatchCommand).length, 3);
    assert.equal(sleeps.length, 2);
  });

  it('retries only the entries a 200 response lists as Failed (throttled, not a sender fault)', async () => {
    const [a, b] = [await object('entry-a'), await object('entry-b')];
    answerEntries((message, call) => (message.includes('entry-a') && call === 1 ? { code: 'Throttled', senderFault: false } : undefined));
    const result = await handler(s3Event([a, b]));
    assert.deepEqual(result.objects.map((o) => [o.status, o.alertsPublished]), [['ok', 1], ['ok', 1]]);
    const aCalls = snsMock.commandCalls(PublishBatchCommand).filter((c) => c.args[0].input.PublishBatchRequestEntries?.some((e) => e.Message?.includes('entry-a')));
    assert.equal(aCalls.length, 2, 'the throttled entry was sent again');
  });

  it('fails the object whose alert is throttled past every retry, as transient, and no other', async () => {
    const [stuck, fine] = [await object('always-throttled'), await object('fine')];
    answerEntries((message) => (message.includes('always-throttled') ? { code: 'Throttled', senderFault: false } : undefined));
    await assert.rejects(handler(s3Event([stuck, fine])), (err: unknown) => {
      assert.ok(err instanceof ObjectsFailedError);
      assert.deepEqual(err.failed.map((f) => f.key), [stuck]);
      assert.equal(err.failed[0]!.error?.kind, 'publish-failed');
      assert.equal(err.failed[0]!.error?.transient, true);
      assert.match(err.failed[0]!.error!.message, /^1 alert\(s\) not published: Throttled: .*after 4 attempts/);
      assert.equal(err.results.find((r) => r.key === fine)?.alertsPublished, 1);
      return true;
    });
  });

  it('reports a sender fault once, as permanent, without retrying it', async () => {
    const [refused, fine] = [await object('refused'), await object('fine-too')];
    answerEntries((message) => (message.includes('refused') ? { code: 'InvalidParameter', senderFault: true } : undefined));
    await assert.rejects(handler(s3Event([refused, fine])), (err: ObjectsFailedError) => {
      assert.deepEqual(err.failed.map((f) => [f.key, f.error?.kind, f.error?.transient]), [[refused, 'publish-failed', false]]);
      assert.match(err.message, /publish-failed: 1 alert\(s\) not published: InvalidParameter/);
      return true;
    });
    assert.equal(sleeps.length, 0);
  });
});
