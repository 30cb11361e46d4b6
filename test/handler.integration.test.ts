/**
 * The main job end to end against a real AWS emulator: S3 objects as CloudTrail delivers them, the handler called
 * with the notification S3 sends (URL-encoded key), alerts published to SNS and read back from a subscribed SQS queue.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { createHandler, ObjectsFailedError } from '../lambda/handler.ts';
import type { HandlerDeps } from '../lambda/handler.ts';
import { compileRuleFolders, RuleEngine } from '../lambda/sigma/index.ts';
import { motoClientConfig, motoS3ClientConfig, skipUnlessMoto, startMoto } from './helpers/moto.ts';
import type { MotoServer } from './helpers/moto.ts';
import { CLOUDTRAIL_CORPUS, skipUnlessCorpus } from './helpers/corpus.ts';
import { s3Notification } from './helpers/factories.ts';

const BUCKET = 'trail-bucket';
const SANS_FILE = 'sans504-s3-ransomware-lab/us-west-1/2021/07/29/342082656213_CloudTrail_us-west-1_20210729T1300Z_AzRjQfVwuSryviYC.json.gz';
const SANS_KEY = 'AWSLogs/342082656213/CloudTrail/us-west-1/2021/07/29/342082656213_CloudTrail_us-west-1_20210729T1300Z_AzRjQfVwuSryviYC.json.gz';
/** A key with a space, a plus and a colon, as a custom prefix may have: S3 sends it form-encoded. */
const APPSYNC_KEY = 'team a+b:logs/AWSLogs/111111111111/CloudTrail/us-east-1/2024/08/18/111111111111_CloudTrail_us-east-1_20240818T1320Z_abc.json.gz';
const s3Event = (...keys: string[]) => s3Notification(keys, BUCKET);

describe('Lambda handler against moto (S3 → rules → SNS → SQS)', { skip: skipUnlessMoto() || skipUnlessCorpus() }, () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let queueUrl: string;
  let handler: ReturnType<typeof createHandler>;

  before(async () => {
    moto = await startMoto();
    const s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    sqs = new SQSClient(motoClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: SANS_KEY, Body: readFileSync(join(CLOUDTRAIL_CORPUS, SANS_FILE)) }));
    const appsync = readFileSync(join(CLOUDTRAIL_CORPUS, 'traildiscover-log-examples/logExamples/AppSync-CreateApiKey.json.cloudtrail'), 'utf8');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: APPSYNC_KEY, Body: gzipSync(JSON.stringify({ Records: JSON.parse(appsync) })) }));

    const { rules } = compileRuleFolders(['rules']);
    const deps: HandlerDeps = {
      config: { alertTopicArn: topicArn, objectConcurrency: 4 },
      engine: new RuleEngine(rules),
      s3, sns,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    };
    handler = createHandler(() => deps);
  });

  after(async () => {
    await moto?.stop();
  });

  async function drain(): Promise<{ subject: string; body: Record<string, unknown>; attributes: Record<string, string> }[]> {
    const out = [];
    for (;;) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (!res.Messages?.length) return out;
      for (const m of res.Messages) {
        const envelope = JSON.parse(m.Body!) as { Subject: string; Message: string; MessageAttributes: Record<string, { Value: string }> };
        out.push({
          subject: envelope.Subject,
          body: JSON.parse(envelope.Message) as Record<string, unknown>,
          attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
        });
      }
    }
  }

  it('alerts on the AppSync CreateApiKey denied, with the attributes subscriptions filter on', async () => {
    const result = await handler(s3Event(APPSYNC_KEY));
    assert.equal(result.objects.length, 1);
    assert.equal(result.objects[0]!.status, 'ok');
    assert.equal(result.objects[0]!.source, `s3://${BUCKET}/${APPSYNC_KEY}`);
    const alerts = await drain();
    const seed = alerts.find((a) => a.attributes.ruleId === '1497f3a3-7898-484e-b1e8-22fe99efd8a4');
    assert.ok(seed, `seed rule alert missing; got ${alerts.map((a) => a.subject).join(' | ')}`);
    assert.deepEqual(seed.attributes, { severity: 'medium', ruleId: '1497f3a3-7898-484e-b1e8-22fe99efd8a4', eventName: 'CreateApiKey', accountId: '111111111111' });
    assert.match(seed.subject, /^\[MEDIUM\] Attempt To Create API Key: CreateApiKey by user\/TrailDiscover in 111111111111\/us-east-1/);
    assert.equal(seed.body.eventSource, 'appsync.amazonaws.com');
    assert.equal(seed.body.source, `s3://${BUCKET}/${APPSYNC_KEY}`);
    assert.equal((seed.body.record as Record<string, unknown>).errorCode, 'AccessDenied');
  });

  it('processes a real delivery and publishes exactly one alert per match', async () => {
    const result = await handler(s3Event(SANS_KEY));
    const object = result.objects[0]!;
    assert.equal(object.status, 'ok');
    assert.ok(object.records > 0);
    assert.ok(object.matches > 0, 'the delivery has root activity the bundled rules flag');
    const alerts = await drain();
    assert.equal(alerts.length, object.matches);
    assert.equal(object.alertsPublished, object.matches);
  });

  it('fails the invocation naming a missing object, after processing the others', async () => {
    const event = s3Event(APPSYNC_KEY, 'AWSLogs/111111111111/CloudTrail/us-east-1/2024/08/18/gone.json.gz');
    await assert.rejects(handler(event), (err: unknown) => {
      assert.ok(err instanceof ObjectsFailedError);
      assert.equal(err.failed.length, 1);
      assert.equal(err.failed[0]!.error?.kind, 'no-such-key');
      assert.match(err.message, /gone\.json\.gz/);
      return true;
    });
    const alerts = await drain();
    assert.ok(alerts.some((a) => a.attributes.eventName === 'CreateApiKey'), 'the good object was still processed');
  });

  it('ignores the s3:TestEvent S3 sends when notifications are configured', async () => {
    const result = await handler({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-08-18T13:20:00.000Z', Bucket: BUCKET, RequestId: 'R', HostId: 'H' });
    assert.equal(result.objects.length, 0);
    assert.equal(result.ignored.length, 1);
  });
});
