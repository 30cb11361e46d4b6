/**
 * Alerts end to end on a real AWS emulator (moto_server): SNS with SQS subscriptions (raw and enveloped delivery,
 * filter policies on `severity`), an http subscriber standing in for AWS Chatbot (it receives `default`), a
 * DynamoDB de-duplication table, and the Lambda handler reading objects from S3.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createHandler } from '../../lambda/handler.ts';
import { ObjectsFailedError } from '../../lambda/failures.ts';
import type { HandlerDeps } from '../../lambda/handler.ts';
import { RuleEngine } from '../../lambda/sigma/index.ts';
import { publishMatches } from '../../lambda/alerts/dispatch.ts';
import { dynamoDbClaims } from '../../lambda/alerts/dedup.ts';
import { matchAlert } from '../../lambda/alerts/format.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { alertBytes, MAX_PUBLISH_BYTES } from '../../lambda/alerts/publisher.ts';
import type { ChatbotNotification } from '../../lambda/alerts/chatbot.ts';
import { motoClientConfig, motoS3ClientConfig, skipUnlessMoto, startMoto } from '../helpers/moto.ts';
import type { MotoServer } from '../helpers/moto.ts';
import { freePort } from '../helpers/ports.ts';
import { cloudTrailRecord, s3Notification } from '../helpers/factories.ts';
import { HIGH_RULE_ID, LOW_RULE_ID, matchesOf, testRules } from './matches.ts';
import { EVIL, evilRecord, OUR_LINKS, RAW_HIDDEN } from './attackerText.ts';

const BUCKET = 'trail-bucket';
const TABLE = 'alert-dedup';

interface Received {
  body: string;
  attributes: Record<string, string>;
}

/** An http endpoint SNS posts to, as AWS Chatbot's https endpoint receives notifications. */
async function startHttpSubscriber(): Promise<{ url: string; posts: string[]; server: Server }> {
  const posts: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      posts.push(body);
      res.end('ok');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/chatbot`, posts, server };
}

const s3Event = (key: string) => s3Notification([key], BUCKET);

let objectCounter = 0;
const objectKey = () => `AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/30/123456789012_CloudTrail_us-east-1_20261130T1020Z_${++objectCounter}.json.gz`;

describe('Alerts on moto: SNS subscriptions, filter policies, de-duplication, storms, size', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  let ddb: DynamoDBClient;
  let topicArn: string;
  let http: Awaited<ReturnType<typeof startHttpSubscriber>>;
  const queues: Record<'rawAll' | 'envelopeAll' | 'envelopeHigh' | 'rawLow', string> = { rawAll: '', envelopeAll: '', envelopeHigh: '', rawLow: '' };

  async function subscribeQueue(name: keyof typeof queues, raw: boolean, severities?: string[]): Promise<void> {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const attributes: Record<string, string> = {};
    if (raw) attributes.RawMessageDelivery = 'true';
    if (severities) attributes.FilterPolicy = JSON.stringify({ severity: severities });
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: attributes }));
    queues[name] = url;
  }

  /** Everything in the queue, removed from it. */
  async function drain(name: keyof typeof queues): Promise<Received[]> {
    const out: Received[] = [];
    for (;;) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues[name], MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
      if (!res.Messages?.length) return out;
      for (const m of res.Messages) {
        const attributes = Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']));
        out.push({ body: m.Body!, attributes });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queues[name], ReceiptHandle: m.ReceiptHandle! }));
      }
    }
  }

  const drainAll = async () => {
    for (const name of Object.keys(queues) as (keyof typeof queues)[]) await drain(name);
    http.posts.length = 0;
  };

  function handlerWith(claims = dynamoDbClaims(ddb, TABLE), publisher: SNSClient = sns) {
    const deps: HandlerDeps = {
      config: { alertTopicArn: topicArn, objectConcurrency: 2, stormThreshold: 20 },
      engine: new RuleEngine(testRules()),
      s3, sns: publisher, claims,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    };
    return createHandler(() => deps);
  }

  async function putObject(records: object[]): Promise<string> {
    const key = objectKey();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gzipSync(JSON.stringify({ Records: records })) }));
    return key;
  }

  before(async () => {
    moto = await startMoto();
    s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    sns = new SNSClient(motoClientConfig(moto.endpoint));
    sqs = new SQSClient(motoClientConfig(moto.endpoint));
    ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
    http = await startHttpSubscriber();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    await subscribeQueue('rawAll', true);
    await subscribeQueue('envelopeAll', false);
    await subscribeQueue('envelopeHigh', false, ['high', 'critical']);
    await subscribeQueue('rawLow', true, ['low']);
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: http.url }));
    // The table as the CDK construct makes it: partition key pk (string), TTL attribute ttl.
    await ddb.send(new CreateTableCommand({
      TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }));
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
  });

  after(async () => {
    await new Promise((resolve) => http?.server.close(resolve));
    await moto?.stop();
  });

  beforeEach(drainAll);

  it('gives each subscription exactly its format, filtered on severity', async () => {
    const high = cloudTrailRecord({ eventName: 'CreateApiKey', errorCode: 'AccessDenied' });
    const low = cloudTrailRecord({ eventName: 'ListUsers' });
    const matches = await matchesOf([high, low]);
    const expected = matches.map((m) => {
      const alert = matchAlert(matchDocument(m), m.rule.meta, 'x');
      return { alert, parts: JSON.parse(alert.message) as Record<string, string> };
    });
    const [h, l] = expected;

    const result = await publishMatches(matches, { sns, topicArn });
    assert.equal(result.published, 2);

    // Raw delivery: the body is the machine JSON itself; the filter attributes arrive as SQS message attributes.
    const rawAll = await drain('rawAll');
    assert.deepEqual(rawAll.map((m) => m.body), [h!.parts.sqs, l!.parts.sqs]);
    assert.deepEqual(rawAll[0]!.attributes, { severity: 'high', ruleId: HIGH_RULE_ID, eventName: 'CreateApiKey', accountId: '123456789012' });
    assert.deepEqual(JSON.parse(rawAll[0]!.body).record, high);

    // Enveloped delivery: the SNS notification JSON, with subject, the machine JSON as Message, and the attributes.
    const envelopes = (await drain('envelopeAll')).map((m) => JSON.parse(m.body) as { Type: string; Subject: string; Message: string; MessageAttributes: Record<string, { Type: string; Value: string }> });
    assert.deepEqual(envelopes.map((e) => [e.Type, e.Subject, e.Message]), [
      ['Notification', h!.alert.subject, h!.parts.sqs],
      ['Notification', l!.alert.subject, l!.parts.sqs],
    ]);
    assert.deepEqual(envelopes[1]!.MessageAttributes.severity, { Type: 'String', Value: 'low' });

    // Filter policies on severity.
    assert.deepEqual((await drain('envelopeHigh')).map((m) => (JSON.parse(m.body) as { Message: string }).Message), [h!.parts.sqs]);
    assert.deepEqual((await drain('rawLow')).map((m) => m.body), [l!.parts.sqs]);

    // https (AWS Chatbot) falls back to default: the custom notification.
    const posted = http.posts.map((p) => (JSON.parse(p) as { Message: string }).Message);
    assert.deepEqual(posted, [h!.parts.default, l!.parts.default]);
    const chatbot = JSON.parse(posted[0]!) as ChatbotNotification;
    assert.equal(chatbot.version, '1.0');
    assert.equal(chatbot.source, 'custom');
    assert.match(chatbot.content.title, /\[HIGH\] API Key Created: `CreateApiKey` by /);
  });

  it('delivers attacker text escaped to Slack and raw to machines', async () => {
    await publishMatches(await matchesOf([evilRecord()]), { sns, topicArn });
    const [raw] = await drain('rawAll');
    assert.equal(JSON.parse(raw!.body).record.userAgent, EVIL);
    const chatbot = JSON.parse((JSON.parse(http.posts[0]!) as { Message: string }).Message) as ChatbotNotification;
    const texts = [chatbot.content.title, chatbot.content.description, ...chatbot.content.nextSteps, chatbot.metadata.summary, ...Object.values(chatbot.metadata.additionalContext)];
    for (const text of texts) {
      assert.doesNotMatch(text, RAW_HIDDEN);
      assert.doesNotMatch(text.replace(OUR_LINKS, ''), /[<>@]/, text);
    }
    const [envelope] = await drain('envelopeHigh');
    assert.match((JSON.parse(envelope!.body) as { Subject: string }).Subject, /^[\x20-\x7e]{1,99}$/);
  });

  it('publishes an event once across two invocations with the same notification', async () => {
    const handler = handlerWith();
    const key = await putObject([cloudTrailRecord({ eventName: 'CreateApiKey' }), cloudTrailRecord({ eventName: 'ListUsers' })]);
    const first = await handler(s3Event(key));
    assert.equal(first.objects[0]!.alertsPublished, 2);
    const second = await handler(s3Event(key));
    assert.equal(second.objects[0]!.alertsPublished, 0);
    assert.equal(second.objects[0]!.alertsDeduplicated, 2);
    assert.equal((await drain('rawAll')).length, 2);

    // A new container (another claims instance) sees the same claims.
    const third = await handlerWith()(s3Event(key));
    assert.equal(third.objects[0]!.alertsDeduplicated, 2);
    assert.equal((await drain('rawAll')).length, 0);
  });

  it('keeps a claim with its TTL, and releases it when publishing fails so a retry alerts', async () => {
    const record = cloudTrailRecord({ eventName: 'CreateApiKey' });
    const matches = await matchesOf([record]);
    const claims = dynamoDbClaims(ddb, TABLE);
    const pk = { S: `${HIGH_RULE_ID}#${record.eventID}` };

    const failed = await publishMatches(matches, { sns, topicArn: `${topicArn}-missing`, claims, publish: { sleep: async () => {} } });
    assert.equal(failed.failed.length, 1);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk } }))).Item, undefined, 'claim released');

    const retried = await publishMatches(matches, { sns, topicArn, claims });
    assert.equal(retried.published, 1);
    const item = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk } }))).Item!;
    assert.equal(item.state?.S, 'sent');
    assert.ok(Number(item.ttl!.N) > Date.now() / 1000 + 80 * 24 * 3600, 'expires in about 90 days');
    assert.equal((await drain('rawAll')).length, 1);
  });

  it('alerts an event whose claimant died before publishing: a retry fails while the claim is pending, alerts once it lapses', async () => {
    const record = cloudTrailRecord({ eventName: 'CreateApiKey' });
    const key = await putObject([record]);
    // An invocation with a minute left claimed the alert and died before sending it: the claim stays unconfirmed.
    const deadline = Date.now() + 60_000;
    assert.deepEqual(await dynamoDbClaims(ddb, TABLE).claim([`${HIGH_RULE_ID}#${record.eventID}`], deadline), [{ status: 'claimed' }]);

    await assert.rejects(handlerWith()(s3Event(key)), (err: unknown) => {
      assert.ok(err instanceof ObjectsFailedError);
      const failed = err.failed[0]!;
      assert.equal(failed.error?.kind, 'publish-failed');
      assert.equal(failed.error?.transient, true, 'retried, not given up');
      assert.match(failed.error?.message ?? '', /ClaimPending: another object or attempt claimed 1 of its event\(s\) and has not confirmed alerting them \(its claim lapses at \d{4}-\d\d-\d\dT/);
      return true;
    });
    assert.equal((await drain('rawAll')).length, 0);

    // The Lambda's retry comes after the dead invocation's deadline.
    const later = () => deadline + 62_000;
    const retried = await handlerWith(dynamoDbClaims(ddb, TABLE, { now: later }))(s3Event(key));
    assert.equal(retried.objects[0]!.alertsPublished, 1);
    assert.equal((await drain('rawAll')).length, 1);
    const again = await handlerWith(dynamoDbClaims(ddb, TABLE, { now: later }))(s3Event(key));
    assert.equal(again.objects[0]!.alertsDeduplicated, 1, 'confirmed as sent: not alerted a second time');
  });

  it('alerts an event delivered in two objects of one invocation once, keeping the claim the first object made', async () => {
    const record = cloudTrailRecord({ eventName: 'CreateApiKey' });
    const [first, second] = [await putObject([record]), await putObject([record])];
    const claims = dynamoDbClaims(ddb, TABLE); // one store per container: both objects claim under one token
    const pk = { S: `${HIGH_RULE_ID}#${record.eventID}` };
    const both = s3Notification([first, second], BUCKET);

    // The objects run side by side; SNS is slow, so the second to claim meets the first's claim still pending.
    const slowSns = Object.assign(Object.create(sns) as SNSClient, {
      send: async (command: Parameters<SNSClient['send']>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return sns.send(command);
      },
    });
    await assert.rejects(handlerWith(claims, slowSns)(both), (err: unknown) => {
      assert.ok(err instanceof ObjectsFailedError, String(err));
      assert.equal(err.failed.length, 1, 'the object that met the other\'s pending claim is retried');
      assert.match(err.failed[0]!.error?.message ?? '', /ClaimPending/);
      return true;
    });
    assert.equal((await drain('rawAll')).length, 1);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk } }))).Item?.state?.S, 'sent', 'not released by the object in doubt');

    const retried = await handlerWith(claims)(both);
    assert.deepEqual(retried.objects.map((o) => o.alertsDeduplicated), [1, 1]);
    assert.equal((await drain('rawAll')).length, 0);
  });

  it('sends 25 matches of one rule in one object as one aggregated alert', async () => {
    const records = Array.from({ length: 25 }, (_, i) => cloudTrailRecord({
      eventName: 'CreateApiKey',
      eventTime: `2026-11-30T10:${String(10 + i).padStart(2, '0')}:00Z`,
      sourceIPAddress: i < 20 ? '198.51.100.7' : '203.0.113.99',
    }));
    const key = await putObject([...records, cloudTrailRecord({ eventName: 'ListUsers' })]);
    const result = await handlerWith()(s3Event(key));
    assert.equal(result.objects[0]!.alertsPublished, 2);
    assert.equal(result.objects[0]!.alertsAggregated, 25);

    const received = (await drain('rawAll')).map((m) => JSON.parse(m.body) as Record<string, unknown>);
    const aggregate = received.find((m) => m.alertType === 'aggregate')!;
    assert.equal(received.length, 2);
    assert.equal(aggregate.ruleId, HIGH_RULE_ID);
    assert.equal(aggregate.count, 25);
    assert.equal(aggregate.firstEventTime, '2026-11-30T10:10:00Z');
    assert.equal(aggregate.lastEventTime, '2026-11-30T10:34:00Z');
    assert.deepEqual(aggregate.topSourceIPs, [{ value: '198.51.100.7', count: 20 }, { value: '203.0.113.99', count: 5 }]);
    assert.deepEqual(aggregate.topActors, [{ value: 'arn:aws:iam::123456789012:user/alice', count: 25 }]);
    assert.deepEqual(aggregate.sampleEventIDs, records.slice(0, 10).map((r) => r.eventID));
    assert.equal(received.find((m) => m.alertType === 'match')!.ruleId, LOW_RULE_ID);
    assert.equal((await drain('envelopeHigh')).length, 1, 'one high alert, not 25');

    const again = await handlerWith()(s3Event(key));
    assert.equal(again.objects[0]!.alertsDeduplicated, 26, 'every member was claimed');
  });

  it('truncates an oversized record so the alert is delivered and still parses as JSON', async () => {
    const record = cloudTrailRecord({ eventName: 'CreateApiKey', responseElements: { items: Array.from({ length: 4000 }, (_, i) => ({ id: i, name: 'x'.repeat(100) })) } });
    assert.ok(Buffer.byteLength(JSON.stringify(record)) > MAX_PUBLISH_BYTES);
    const matches = await matchesOf([record]);
    assert.ok(alertBytes(matchAlert(matchDocument(matches[0]!), matches[0]!.rule.meta, 'x')) <= MAX_PUBLISH_BYTES);

    const result = await publishMatches(matches, { sns, topicArn });
    assert.deepEqual(result.failed, []);
    const [raw] = await drain('rawAll');
    const doc = JSON.parse(raw!.body) as Record<string, unknown>;
    assert.equal(doc.recordTruncated, true);
    const cut = doc.record as Record<string, unknown>;
    assert.equal(cut.eventID, record.eventID);
    assert.deepEqual(cut.userIdentity, record.userIdentity);
    assert.match(String(cut.responseElements), /\[truncated by cloudtrail-sigma\] \d+ bytes$/);
    const [envelope] = await drain('envelopeAll');
    assert.equal(JSON.parse((JSON.parse(envelope!.body) as { Message: string }).Message).recordTruncated, true);
    assert.equal(http.posts.length, 1);
  });
});
