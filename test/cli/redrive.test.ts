/**
 * `cloudtrail-sigma redrive` as a user runs it, against a real emulator (moto): the failure queue holds Lambda
 * on-failure records built from the handler's own error, a raw EventBridge event and a broken message; redrive
 * redoes what it can, publishes, deletes only what succeeded and names the rest.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createHandler, ObjectsFailedError } from '../../lambda/handler.ts';
import { motoClientConfig, motoS3ClientConfig, skipUnlessMoto, startMoto } from '../helpers/moto.ts';
import type { MotoServer } from '../helpers/moto.ts';
import { runCli } from '../helpers/cli.ts';
import type { CliRun } from '../helpers/cli.ts';
import { cloudTrailRecord, gzipDelivery } from '../helpers/factories.ts';
import { BUCKET, recorders, s3Event, TEST_RULE_SOURCES, testEngine, trailKey } from '../reliability/world.ts';

const stop = () => cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' });

/** The record Lambda sends to the on-failure destination after the last retry. */
function invocationRecord(event: unknown, error: { name: string; message: string }, condition = 'RetriesExhausted') {
  return {
    version: '1.0',
    timestamp: '2026-11-30T10:20:00.000Z',
    requestContext: { requestId: 'e4b46cbf-0000-4000-8000-a18cdf61200e', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:detector:$LATEST', condition, approximateInvokeCount: 3 },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: error.name, errorMessage: error.message, trace: [] },
  };
}

/** An EventBridge "Object Created" event as EventBridge puts it in the target's dead-letter queue. */
const eventBridgeEvent = (key: string) => ({
  version: '0', id: 'ev-1', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: '2026-11-30T10:15:00Z',
  region: 'us-east-1', resources: [`arn:aws:s3:::${BUCKET}`],
  detail: { version: '0', bucket: { name: BUCKET }, object: { key, size: 10, etag: 'e', sequencer: '01' }, reason: 'PutObject' },
});

describe('cloudtrail-sigma redrive (moto)', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let sqs: SQSClient;
  let topicArn: string;
  let failureQueue: string;
  let alertQueue: string;
  let rulesDir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    moto = await startMoto();
    s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    sqs = new SQSClient(motoClientConfig(moto.endpoint));
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    alertQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts' }))).QueueUrl!;
    const alertQueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: alertQueue, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: alertQueueArn }));
    failureQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'failures' }))).QueueUrl!;
    rulesDir = mkdtempSync(join(tmpdir(), 'cts-redrive-rules-'));
    TEST_RULE_SOURCES.forEach((text, i) => writeFileSync(join(rulesDir, `rule-${i}.yml`), text));
    env = {
      AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ALERT_TOPIC_ARN: '',
    };
  });

  after(async () => {
    rmSync(rulesDir, { recursive: true, force: true });
    await moto?.stop();
  });

  const put = async (key: string, body: Buffer) => void (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })));
  const send = async (body: unknown) => void (await sqs.send(new SendMessageCommand({ QueueUrl: failureQueue, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) })));

  /** Takes every message out of the queue. */
  async function drain(queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (!res.Messages?.length) return bodies;
      for (const m of res.Messages) {
        bodies.push(m.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
  }

  /** What the handler throws for `event` now, as Lambda would record it. */
  async function handlerError(event: unknown): Promise<ObjectsFailedError> {
    const s3Handler = createHandler(() => ({
      config: { alertTopicArn: topicArn, objectConcurrency: 2 }, engine: testEngine(), s3,
      sns: new SNSClient(motoClientConfig(moto.endpoint)), logger: recorders().logger,
    }));
    try {
      await s3Handler(event);
    } catch (err) {
      if (err instanceof ObjectsFailedError) return err;
      throw err;
    }
    throw new Error('the handler did not fail');
  }

  const redrive = (...extra: string[]): Promise<CliRun> => runCli(['redrive', '--queue', failureQueue, '--topic-arn', topicArn, '--rules', rulesDir, ...extra], { env });

  it('redoes what it can, deletes only what succeeded, keeps and names the rest, exit 1', async () => {
    // 1. An invocation where one object was processed and one was missing; it has arrived since.
    const [processed, late] = [trailKey(), trailKey()];
    await put(processed, gzipDelivery([stop()]));
    const lateError = await handlerError(s3Event([processed, late]));
    await put(late, gzipDelivery([stop(), stop()]));
    await send(invocationRecord(s3Event([processed, late]), lateError));
    await drain(alertQueue);
    // 2. A timeout: the error names no object, so every object of the event is redone.
    const timedOut = trailKey();
    await put(timedOut, gzipDelivery([stop()]));
    await send(invocationRecord(s3Event([timedOut]), { name: 'Sandbox.Timedout', message: 'Task timed out after 300.00 seconds' }));
    // 3. EventBridge could not deliver the event.
    const bridged = trailKey();
    await put(bridged, gzipDelivery([stop()]));
    await send(eventBridgeEvent(bridged));
    // 4. Still missing: kept, permanent.
    const gone = trailKey();
    await send(invocationRecord(s3Event([gone]), await handlerError(s3Event([gone]))));
    // 5. Not CloudTrail: kept, permanent.
    const notTrail = trailKey();
    await put(notTrail, gzipSync('this is not json'));
    await send(invocationRecord(s3Event([notTrail]), await handlerError(s3Event([notTrail]))));
    // 6. Not JSON at all.
    await send('not json {');

    const run = await redrive();
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /messages: 6 read, 3 done and deleted, 3 kept in the queue/);
    assert.match(run.stderr, /objects: 3 redone, 0 skipped, 2 still failing; 4 alerts published/);
    assert.match(run.stderr, /1 other object\(s\) of the event were processed the first time/);
    assert.ok(run.stderr.includes(`redone s3://${BUCKET}/${late}: 2 records, 2 matches, 2 alerts published`), run.stderr);
    assert.ok(run.stderr.includes(`failed s3://${BUCKET}/${gone}: no-such-key (permanent: fix the cause first)`), run.stderr);
    assert.ok(run.stderr.includes(`failed s3://${BUCKET}/${notTrail}: not-json (permanent: fix the cause first)`), run.stderr);
    assert.match(run.stderr, /kept message \S+ \(Lambda on-failure record: RetriesExhausted, 1 object\(s\) failed\)\n  failed s3:/);
    assert.match(run.stderr, /deleted message \S+ \(Lambda on-failure record: RetriesExhausted \(Sandbox\.Timedout: Task timed out after 300\.00 seconds\)\)/);
    assert.match(run.stderr, /kept message \S+ \(message\): not JSON: /);
    assert.match(run.stderr, /deleted message \S+ \(event\)/);

    const left = await drain(failureQueue);
    assert.equal(left.length, 3, 'the kept messages are visible again at once');
    assert.ok(left.some((b) => b.includes(gone)) && left.some((b) => b.includes(notTrail)) && left.includes('not json {'));
    assert.equal((await drain(alertQueue)).length, 4, 'one alert per match of the redone objects, none for the object processed the first time');
  });

  it('exits 0 on an empty queue', async () => {
    await drain(failureQueue);
    const empty = (await sqs.send(new CreateQueueCommand({ QueueName: 'empty-failures' }))).QueueUrl!;
    const run = await runCli(['redrive', '--queue', empty, '--topic-arn', topicArn, '--rules', rulesDir], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /messages: 0 read, 0 done and deleted, 0 kept in the queue/);
  });

  it('takes the topic from ALERT_TOPIC_ARN', async () => {
    const empty = (await sqs.send(new CreateQueueCommand({ QueueName: 'empty-failures-2' }))).QueueUrl!;
    const run = await runCli(['redrive', '--queue', empty, '--rules', rulesDir], { env: { ...env, ALERT_TOPIC_ARN: topicArn } });
    assert.equal(run.status, 0, run.stderr);
  });
});

describe('cloudtrail-sigma redrive usage errors', () => {
  const cases: [string[], RegExp][] = [
    [['redrive'], /redrive needs --queue URL/],
    [['redrive', '--queue', 'failures'], /--queue is not an SQS queue URL: 'failures'/],
    [['redrive', '--queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/failures'], /redrive needs --topic-arn ARN \(the alert topic\), or ALERT_TOPIC_ARN/],
    [['redrive', '--queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/failures', '--topic-arn', 'alerts'], /--topic-arn is not an SNS topic ARN: 'alerts'/],
    [['redrive', '--queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/failures', '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:a', '--min-level', 'high'], /redrive does not take --min-level/],
    [['redrive', 'extra', '--queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/failures'], /redrive takes no positional arguments/],
  ];
  for (const [args, message] of cases) {
    it(`exits 2 for ${args.slice(1).join(' ') || 'no options'}`, async () => {
      const run = await runCli(args, { env: { ALERT_TOPIC_ARN: '' } });
      assert.equal(run.status, 2);
      assert.match(run.stderr, message);
    });
  }
});
