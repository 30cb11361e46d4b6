import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizationErrorException,
  CreateTopicCommand,
  PublishBatchCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  ThrottledException,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  alertBytes,
  MAX_PUBLISH_BYTES,
  publishAlerts,
  type OutgoingAlert,
  type PublishResult,
} from '../../lambda/alerts/publisher.ts';
import { motoClientConfig, skipUnlessMoto, startMoto, type MotoServer } from '../helpers/moto.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cloudtrail-sigma-alerts';

function alert(n: number, overrides: Partial<OutgoingAlert> = {}): OutgoingAlert {
  return {
    id: `alert-${n}`,
    subject: `[medium] Attempt To Create API Key #${n}`,
    message: `CreateApiKey denied (${n})`,
    attributes: { severity: 'medium', ruleId: '1497f3a3-7898-484e-b1e8-22fe99efd8a4', eventName: 'CreateApiKey', accountId: '123456789012' },
    ...overrides,
  };
}

const alerts = (count: number, overrides: Partial<OutgoingAlert> = {}) =>
  Array.from({ length: count }, (_, i) => alert(i + 1, overrides));

/** An alert whose counted size is exactly `bytes`. */
function alertOfBytes(n: number, bytes: number): OutgoingAlert {
  const base = alert(n, { message: '' });
  return { ...base, message: 'x'.repeat(bytes - alertBytes(base)) };
}

/** A PublishBatch answer that accepts every entry except those named in `fail`. */
function answer(input: PublishBatchCommandInput, fail: Record<string, { code: string; senderFault: boolean }> = {}) {
  const entries = input.PublishBatchRequestEntries ?? [];
  return {
    Successful: entries.filter((e) => !fail[e.Id!]).map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
    Failed: entries
      .filter((e) => fail[e.Id!])
      .map((e) => ({ Id: e.Id, Code: fail[e.Id!]!.code, Message: `${fail[e.Id!]!.code} for ${e.Id}`, SenderFault: fail[e.Id!]!.senderFault })),
  } as PublishBatchCommandOutput;
}

/** Every alert is accounted for exactly once: published or failed. */
function assertAccounted(result: PublishResult, total: number): void {
  assert.equal(result.published + result.failed.length, total);
}

const noWait = { sleep: async () => {}, random: () => 0.5 };

describe('Function: alertBytes()', () => {
  it('counts message, subject and each non-empty attribute name, type and value in UTF-8 bytes', () => {
    const bytes = alertBytes({ message: 'é', subject: 'ab', attributes: { severity: 'high', empty: '' } });
    assert.equal(bytes, 2 + 2 + 'severity'.length + 'String'.length + 'high'.length);
  });
});

describe('Function: publishAlerts()', () => {
  const sns = new SNSClient({ region: 'us-east-1' });
  const snsMock = mockClient(sns);
  afterEach(() => snsMock.reset());

  const calls = () => snsMock.commandCalls(PublishBatchCommand).map((call) => call.args[0].input);

  it('sends at most 10 entries per PublishBatch call', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input));
    const result = await publishAlerts(sns, TOPIC, alerts(23), noWait);
    assert.deepEqual(result, { published: 23, failed: [] });
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.length),
      [10, 10, 3],
    );
    assert.ok(calls().every((input) => input.TopicArn === TOPIC));
  });

  it('keeps each call within 256 KiB, counting subject and attributes', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input));
    const big = Array.from({ length: 5 }, (_, i) => alertOfBytes(i + 1, 100 * 1024));
    const result = await publishAlerts(sns, TOPIC, big, noWait);
    assert.deepEqual(result, { published: 5, failed: [] });
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.length),
      [2, 2, 1],
    );
  });

  it('sends an alert of exactly 256 KiB alone and rejects one byte more without calling SNS for it', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input));
    const result = await publishAlerts(sns, TOPIC, [alert(1), alertOfBytes(2, MAX_PUBLISH_BYTES), alertOfBytes(3, MAX_PUBLISH_BYTES + 1)], noWait);
    assert.equal(result.published, 2);
    assert.deepEqual(
      result.failed.map((f) => [f.alert.id, f.code]),
      [['alert-3', 'MessageTooLong']],
    );
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.map((e) => e.Id)),
      [['alert-1'], ['alert-2']],
    );
  });

  it('turns attributes into String message attributes, leaving out empty values', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input));
    const json = JSON.stringify({ default: 'plain', email: 'mail body' });
    await publishAlerts(sns, TOPIC, [
      alert(1, { attributes: { severity: 'high', ruleId: 'r-1', eventName: 'StopLogging', accountId: '123456789012', actor: '' } }),
      alert(2, { messageStructure: 'json', message: json, subject: undefined, attributes: { severity: '' } }),
    ]);
    const [first, second] = calls()[0]!.PublishBatchRequestEntries!;
    assert.deepEqual(first, {
      Id: 'alert-1',
      Subject: '[medium] Attempt To Create API Key #1',
      Message: 'CreateApiKey denied (1)',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        ruleId: { DataType: 'String', StringValue: 'r-1' },
        eventName: { DataType: 'String', StringValue: 'StopLogging' },
        accountId: { DataType: 'String', StringValue: '123456789012' },
      },
    });
    assert.deepEqual(second, { Id: 'alert-2', Message: json, MessageStructure: 'json' });
  });

  it('retries entries reported as Failed inside a 200 response, with backoff, then succeeds', async () => {
    snsMock
      .on(PublishBatchCommand)
      .callsFakeOnce((input) => answer(input, { 'alert-2': { code: 'InternalError', senderFault: false } }))
      .callsFake((input) => answer(input));
    const waits: number[] = [];
    const result = await publishAlerts(sns, TOPIC, alerts(3), { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    assert.deepEqual(result, { published: 3, failed: [] });
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.map((e) => e.Id)),
      [['alert-1', 'alert-2', 'alert-3'], ['alert-2']],
    );
    assert.deepEqual(waits, [100]);
  });

  it('reports an entry that keeps failing after the last attempt, with its code, and waits longer each round', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input, { 'alert-1': { code: 'InternalError', senderFault: false } }));
    const waits: number[] = [];
    const result = await publishAlerts(sns, TOPIC, alerts(2), {
      maxAttempts: 3,
      baseDelayMs: 200,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    });
    assert.equal(result.published, 1);
    assert.deepEqual(
      result.failed.map((f) => [f.alert.id, f.code, f.message]),
      [['alert-1', 'InternalError', 'InternalError for alert-1 (after 3 attempts)']],
    );
    assert.equal(calls().length, 3);
    assert.deepEqual(waits, [100, 200]);
  });

  it('caps the backoff ceiling at maxDelayMs', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input, { 'alert-1': { code: 'InternalError', senderFault: false } }));
    const waits: number[] = [];
    await publishAlerts(sns, TOPIC, alerts(1), {
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 3000,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.999,
    });
    assert.deepEqual(
      waits.map((ms) => Math.round(ms)),
      [999, 1998, 2997, 2997],
    );
  });

  it('does not retry entries failed by the sender', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input, { 'alert-2': { code: 'InvalidParameter', senderFault: true } }));
    const result = await publishAlerts(sns, TOPIC, alerts(3), noWait);
    assert.equal(result.published, 2);
    assert.deepEqual(
      result.failed.map((f) => [f.alert.id, f.code]),
      [['alert-2', 'InvalidParameter']],
    );
    assert.equal(calls().length, 1);
  });

  it('retries a whole call that was throttled', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejectsOnce(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }))
      .callsFake((input) => answer(input));
    const result = await publishAlerts(sns, TOPIC, alerts(12), noWait);
    assert.deepEqual(result, { published: 12, failed: [] });
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.length),
      [10, 2, 10],
    );
  });

  it('retries a whole call that failed without any answer (network error)', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }))
      .callsFake((input) => answer(input));
    assert.deepEqual(await publishAlerts(sns, TOPIC, alerts(2), noWait), { published: 2, failed: [] });
  });

  it('reports every entry of a call rejected by a client error, once, and still sends the other batches', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejectsOnce(new AuthorizationErrorException({ message: 'not authorized to SNS:Publish', $metadata: { httpStatusCode: 403 } }))
      .callsFake((input) => answer(input));
    const result = await publishAlerts(sns, TOPIC, alerts(12), noWait);
    assert.equal(result.published, 2);
    assert.equal(result.failed.length, 10);
    assert.ok(result.failed.every((f) => f.code === 'AuthorizationErrorException' && f.message === 'not authorized to SNS:Publish'));
    assert.equal(calls().length, 2);
  });

  it('retries entries the response does not mention, then reports them', async () => {
    snsMock.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
    const result = await publishAlerts(sns, TOPIC, alerts(1), { ...noWait, maxAttempts: 2 });
    assert.deepEqual(
      result.failed.map((f) => f.code),
      ['MissingFromResponse'],
    );
    assert.equal(calls().length, 2);
  });

  it('puts alerts sharing an id in different batches', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input));
    const result = await publishAlerts(sns, TOPIC, [alert(1), alert(2), alert(1, { message: 'again' })], noWait);
    assert.deepEqual(result, { published: 3, failed: [] });
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.map((e) => e.Id)),
      [['alert-1', 'alert-2'], ['alert-1']],
    );
  });

  it('reports alerts SNS would reject without sending them, and sends the rest', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input) => answer(input));
    const bad: [OutgoingAlert, string, RegExp][] = [
      [alert(1, { id: 'has space' }), 'InvalidBatchEntryId', /"has space"/],
      [alert(2, { id: 'x'.repeat(81) }), 'InvalidBatchEntryId', /1-80 characters/],
      [alert(3, { message: '' }), 'InvalidParameter', /message is empty/],
      [alert(4, { subject: 's'.repeat(100) }), 'InvalidParameter', /subject must be under 100/],
      [alert(5, { subject: 'two\nlines' }), 'InvalidParameter', /control characters/],
      [alert(6, { attributes: { 'AWS.severity': 'high' } }), 'InvalidParameter', /"AWS\.severity"/],
      [alert(7, { messageStructure: 'json', message: '{"email":"x"}' }), 'InvalidParameter', /"default"/],
    ];
    const result = await publishAlerts(sns, TOPIC, [...bad.map(([a]) => a), alert(8)], noWait);
    assertAccounted(result, bad.length + 1);
    assert.equal(result.published, 1);
    for (const [i, [, code, message]] of bad.entries()) {
      assert.equal(result.failed[i]!.code, code);
      assert.match(result.failed[i]!.message, message);
    }
    assert.deepEqual(
      calls().map((input) => input.PublishBatchRequestEntries?.map((e) => e.Id)),
      [['alert-8']],
    );
  });

  it('makes no call for an empty list', async () => {
    assert.deepEqual(await publishAlerts(sns, TOPIC, []), { published: 0, failed: [] });
    assert.equal(calls().length, 0);
  });
});

describe('Function: publishAlerts() against moto_server', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  before(async () => {
    moto = await startMoto();
    sns = new SNSClient(motoClientConfig(moto.endpoint));
    sqs = new SQSClient(motoClientConfig(moto.endpoint));
  });
  after(async () => {
    sns?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });

  async function subscribedQueue(topicArn: string, name: string, raw: boolean): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn! }),
    );
    if (raw) {
      await sns.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }),
      );
    }
    return QueueUrl!;
  }

  async function receiveAll(queueUrl: string, expected: number): Promise<Message[]> {
    const messages: Message[] = [];
    for (let round = 0; round < 20 && messages.length < expected; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          VisibilityTimeout: 60,
        }),
      );
      messages.push(...Messages);
    }
    return messages;
  }

  it('delivers 23 alerts through the topic to SQS subscribers with their attributes', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    const rawQueue = await subscribedQueue(TopicArn!, 'alerts-raw', true);
    const envelopeQueue = await subscribedQueue(TopicArn!, 'alerts-envelope', false);
    const sent = alerts(23).map((a, i) => ({
      ...a,
      attributes: { ...a.attributes, severity: i % 2 ? 'high' : 'low', ruleId: `rule-${i + 1}` },
    }));

    const result = await publishAlerts(sns, TopicArn!, sent);
    assert.deepEqual(result, { published: 23, failed: [] });

    const raw = await receiveAll(rawQueue, 23);
    assert.equal(raw.length, 23);
    const rawById = new Map(raw.map((m) => [m.MessageAttributes?.ruleId?.StringValue, m]));
    for (const [i, a] of sent.entries()) {
      const message = rawById.get(`rule-${i + 1}`);
      assert.ok(message, `raw delivery of ${a.id}`);
      assert.equal(message.Body, a.message);
      assert.equal(message.MessageAttributes?.severity?.StringValue, a.attributes.severity);
      assert.equal(message.MessageAttributes?.eventName?.StringValue, 'CreateApiKey');
      assert.equal(message.MessageAttributes?.accountId?.StringValue, '123456789012');
      assert.equal(message.MessageAttributes?.severity?.DataType, 'String');
    }

    const wrapped = (await receiveAll(envelopeQueue, 23)).map((m) => JSON.parse(m.Body!));
    assert.equal(wrapped.length, 23);
    const wrappedById = new Map(wrapped.map((envelope) => [envelope.MessageAttributes.ruleId.Value, envelope]));
    for (const [i, a] of sent.entries()) {
      const envelope = wrappedById.get(`rule-${i + 1}`);
      assert.ok(envelope, `envelope delivery of ${a.id}`);
      assert.equal(envelope.Type, 'Notification');
      assert.equal(envelope.TopicArn, TopicArn);
      assert.equal(envelope.Subject, a.subject);
      assert.equal(envelope.Message, a.message);
      assert.deepEqual(envelope.MessageAttributes.severity, { Type: 'String', Value: a.attributes.severity });
    }
  });
});
