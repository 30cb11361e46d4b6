import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  fromEventBridge,
  fromObjectBatch,
  fromS3,
  fromSns,
  fromSqs,
  NotificationParseError,
  objectsFromEvent,
} from '../../lambda/cloudtrail/notifications.ts';
import { ObjectKeyDecodeError } from '../../lambda/cloudtrail/objectKey.ts';

type Json = Record<string, any>;

/** A fresh copy of a fixture from test/fixtures/events, so a test can alter it. */
function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));
}

const BUCKET = 'example-trail-bucket';
const K1 = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/111122223333_CloudTrail_us-east-1_20240501T1215Z_Yk3Pq8Xn2Lw5Rt7M.json.gz';
const K2 = 'security logs/AWSLogs/111122223333/CloudTrail/us-west-2/2024/05/01/111122223333_CloudTrail_us-west-2_20240501T1215Z_Hn4Wq9Lz1Px6Vc3B.json.gz';
const EB_KEY = 'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2024/05/01/444455556666_CloudTrail_eu-west-1_20240501T1220Z_Mz2Rb8Kw5Tq1Xn7J.json.gz';

/** Asserts that `run` throws a NotificationParseError with this exact message. */
function assertParseError(run: () => unknown, message: string): NotificationParseError {
  let caught: unknown;
  assert.throws(run, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof NotificationParseError, `expected NotificationParseError, got ${String(caught)}`);
  assert.equal(caught.name, 'NotificationParseError');
  assert.equal(caught.message, message);
  assert.equal(`${caught.position} ${caught.reason}`, message);
  return caught;
}

/** Wraps a message as the body of one SQS record, as Lambda's SQS event source delivers it. */
function sqsEventWithBody(body: unknown): Json {
  const event = fixture('sqs-s3.json');
  return { Records: [{ ...event.Records[1], body: typeof body === 'string' ? body : JSON.stringify(body) }] };
}

/** Wraps a message as one SNS record, as Lambda's SNS trigger delivers it. */
function snsEventWithMessage(message: unknown): Json {
  const event = fixture('sns-s3.json');
  event.Records[0].Sns.Message = JSON.stringify(message);
  return event;
}

describe('Function: fromS3()', () => {
  it('returns the decoded key and the object metadata of an ObjectCreated:Put record', () => {
    assert.deepEqual(fromS3(fixture('s3-put.json')), {
      objects: [
        {
          bucket: BUCKET,
          key: 'ct logs:prod+dr/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/111122223333_CloudTrail_us-east-1_20240501T1205Z_Qm9oZXhhbXBsZQ.json.gz',
          size: 4821,
          versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
          sequencer: '00663230EB5F4D2A1C',
          eTag: '9b2cf535f27731c974343645a3985328',
        },
      ],
      ignored: [],
    });
  });

  it('ignores s3:TestEvent with a reason instead of failing', () => {
    const result = fromS3(fixture('s3-test-event.json'));
    assert.deepEqual(result.objects, []);
    assert.equal(result.ignored.length, 1);
    assert.match(result.ignored[0]!, /^event: s3:TestEvent \(bucket example-trail-bucket\)/);
  });

  it('takes every ObjectCreated record of a multi-record event and lists the others as ignored', () => {
    const result = fromS3(fixture('multi-record.json'));
    assert.deepEqual(
      result.objects.map((o) => o.key),
      [
        'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2024/05/01/444455556666_CloudTrail_eu-west-1_20240501T1210Z_r5Tx0pLq2Wm8Zc4N.json.gz',
        'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail-Digest/eu-west-1/2024/05/01/444455556666_CloudTrail-Digest_eu-west-1_org-trail_eu-west-1_20240501T1210Z.json.gz',
      ],
    );
    assert.deepEqual(result.ignored, ['Records[1]: ObjectRemoved:Delete is not an object creation']);
  });

  it('leaves out optional metadata S3 sends as null (unversioned bucket)', () => {
    const event = fixture('s3-put.json');
    event.Records[0].s3.object.versionId = null;
    assert.equal('versionId' in fromS3(event).objects[0]!, false);
  });

  it('reads an object announced twice in one event once, and says so', () => {
    const event = fixture('s3-put.json');
    event.Records.push(structuredClone(event.Records[0]));
    const result = fromS3(event);
    assert.equal(result.objects.length, 1);
    assert.equal(result.ignored.length, 1);
    assert.match(result.ignored[0]!, /^Records\[1\]: s3:\/\/example-trail-bucket\/ct logs:prod\+dr\/.* repeats Records\[0\]$/);
  });

  it('throws naming the position when a record has no object key', () => {
    const event = fixture('multi-record.json');
    delete event.Records[2].s3.object.key;
    assertParseError(() => fromS3(event), 'Records[2].s3.object.key missing');
  });

  it('throws naming the position and the raw key when the key is not valid form encoding', () => {
    const event = fixture('s3-put.json');
    event.Records[0].s3.object.key = 'AWSLogs/100%+sure.json.gz';
    const error = assertParseError(() => fromS3(event), 'Records[0].s3.object.key cannot be decoded: "AWSLogs/100%+sure.json.gz"');
    assert.ok(error.cause instanceof ObjectKeyDecodeError);
  });

  it('throws when given another envelope', () => {
    assertParseError(() => fromS3(fixture('sqs-s3.json')), 'Records[0].eventSource is "aws:sqs", expected "aws:s3"');
  });

  it('throws when the bucket name has the wrong type', () => {
    const event = fixture('s3-put.json');
    event.Records[0].s3.bucket.name = 42;
    assertParseError(() => fromS3(event), 'Records[0].s3.bucket.name is a number, not a string');
  });
});

describe('Function: fromSqs()', () => {
  it('reads S3 notifications from SQS bodies and ignores the test event', () => {
    const result = fromSqs(fixture('sqs-s3.json'));
    assert.deepEqual(
      result.objects.map((o) => [o.bucket, o.key, o.size]),
      [
        [BUCKET, K1, 7342],
        [BUCKET, K2, 2210],
      ],
    );
    assert.equal(result.ignored.length, 1);
    assert.match(result.ignored[0]!, /^Records\[0\]\.body: s3:TestEvent/);
  });

  it('unwraps SNS envelopes in SQS bodies (raw message delivery off)', () => {
    const result = fromSqs(fixture('sqs-sns-s3.json'));
    assert.deepEqual(
      result.objects.map((o) => o.key),
      [K2],
    );
    assert.match(result.ignored[0]!, /^Records\[0\]\.body\.Message: s3:TestEvent/);
  });

  it('reads EventBridge events delivered to an SQS target', () => {
    const result = fromSqs(sqsEventWithBody(fixture('eventbridge-object-created.json')));
    assert.deepEqual(
      result.objects.map((o) => o.key),
      [EB_KEY],
    );
  });

  it('ignores an SNS subscription confirmation that reached the queue', () => {
    const body = { Type: 'SubscriptionConfirmation', TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Message: 'You have chosen…' };
    assert.deepEqual(fromSqs(sqsEventWithBody(body)), {
      objects: [],
      ignored: ['Records[0].body: SNS SubscriptionConfirmation for arn:aws:sns:us-east-1:111122223333:t'],
    });
  });

  it('throws naming the record when a body is not JSON', () => {
    assertParseError(() => fromSqs(sqsEventWithBody('not json')), `Records[0].body is not JSON: ${jsonError('not json')}`);
  });

  it('throws naming the record when a body is JSON of an unknown shape', () => {
    assertParseError(
      () => fromSqs(sqsEventWithBody({ hello: 'world' })),
      'Records[0].body is not an S3 notification, an SNS message or an EventBridge event',
    );
  });

  it('throws naming the inner position when a wrapped S3 record is broken', () => {
    const event = fixture('sqs-sns-s3.json');
    const envelope = JSON.parse(event.Records[1].body);
    const inner = JSON.parse(envelope.Message);
    delete inner.Records[0].s3.bucket;
    envelope.Message = JSON.stringify(inner);
    event.Records[1].body = JSON.stringify(envelope);
    assertParseError(() => fromSqs(event), 'Records[1].body.Message.Records[0].s3.bucket missing');
  });
});

describe('Function: fromSns()', () => {
  it('reads an S3 notification from the SNS message', () => {
    const result = fromSns(fixture('sns-s3.json'));
    assert.deepEqual(
      result.objects.map((o) => [o.bucket, o.key, o.sequencer]),
      [[BUCKET, K1, '00663234A8F1C2D3E4']],
    );
    assert.deepEqual(result.ignored, []);
  });

  it('ignores s3:TestEvent sent to the topic', () => {
    const result = fromSns(snsEventWithMessage(fixture('s3-test-event.json')));
    assert.deepEqual(result.objects, []);
    assert.match(result.ignored[0]!, /^Records\[0\]\.Sns\.Message: s3:TestEvent/);
  });

  it('reads an EventBridge event delivered to an SNS target', () => {
    assert.deepEqual(
      fromSns(snsEventWithMessage(fixture('eventbridge-object-created.json'))).objects.map((o) => o.key),
      [EB_KEY],
    );
  });

  it('does not unwrap an SNS envelope inside an SNS message', () => {
    const envelope = { Type: 'Notification', Message: JSON.stringify(fixture('s3-put.json')) };
    assertParseError(
      () => fromSns(snsEventWithMessage(envelope)),
      'Records[0].Sns.Message is not an S3 notification, an SNS message or an EventBridge event',
    );
  });

  it('throws when the record has no Sns object', () => {
    const event = fixture('sns-s3.json');
    delete event.Records[0].Sns;
    assertParseError(() => fromSns(event), 'Records[0].Sns missing');
  });
});

describe('Function: fromEventBridge()', () => {
  it('reads bucket, key and metadata from an Object Created event', () => {
    assert.deepEqual(fromEventBridge(fixture('eventbridge-object-created.json')), {
      objects: [
        {
          bucket: BUCKET,
          key: EB_KEY,
          size: 12877,
          versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
          sequencer: '00663236CB9D2E3F41',
          eTag: 'b1946ac92492d2347c6235b4d2611184',
        },
      ],
      ignored: [],
    });
  });

  it('keeps the key as it arrives (EventBridge keys are not form-encoded)', () => {
    const event = fixture('eventbridge-object-created.json');
    event.detail.object.key = 'ct logs+dr/100%2B/x.json.gz';
    assert.equal(fromEventBridge(event).objects[0]!.key, 'ct logs+dr/100%2B/x.json.gz');
  });

  it('ignores other S3 detail types', () => {
    const event = fixture('eventbridge-object-created.json');
    event['detail-type'] = 'Object Deleted';
    assert.deepEqual(fromEventBridge(event), {
      objects: [],
      ignored: ['event: EventBridge "Object Deleted" is not an object creation'],
    });
  });

  it('throws for an event from another source', () => {
    const event = fixture('eventbridge-object-created.json');
    event.source = 'aws.ec2';
    assertParseError(() => fromEventBridge(event), 'source is "aws.ec2", expected "aws.s3"');
  });

  it('throws naming the position when the key is missing', () => {
    const event = fixture('eventbridge-object-created.json');
    delete event.detail.object.key;
    assertParseError(() => fromEventBridge(event), 'detail.object.key missing');
  });
});

describe('Function: fromObjectBatch()', () => {
  it('takes listed keys as they are, with optional metadata', () => {
    assert.deepEqual(
      fromObjectBatch({ objects: [{ bucket: BUCKET, key: 'a+b/x.json.gz' }, { bucket: BUCKET, key: K1, size: 10 }] }),
      { objects: [{ bucket: BUCKET, key: 'a+b/x.json.gz' }, { bucket: BUCKET, key: K1, size: 10 }], ignored: [] },
    );
  });

  it('throws naming the entry without a key', () => {
    assertParseError(() => fromObjectBatch({ objects: [{ bucket: BUCKET, key: K1 }, { bucket: BUCKET }] }), 'objects[1].key missing');
  });

  it('throws when objects is not an array', () => {
    assertParseError(() => fromObjectBatch({ objects: { bucket: BUCKET, key: K1 } }), 'objects is an object, not an array');
  });
});

describe('Function: objectsFromEvent()', () => {
  const readers: [string, (event: unknown) => unknown][] = [
    ['s3-put.json', fromS3],
    ['s3-test-event.json', fromS3],
    ['multi-record.json', fromS3],
    ['sqs-s3.json', fromSqs],
    ['sqs-sns-s3.json', fromSqs],
    ['sns-s3.json', fromSns],
    ['eventbridge-object-created.json', fromEventBridge],
  ];
  for (const [name, reader] of readers) {
    it(`recognises ${name} and reads it like ${reader.name}()`, () => {
      assert.deepEqual(objectsFromEvent(fixture(name)), reader(fixture(name)));
    });
  }

  it('recognises a backfill batch of keys', () => {
    assert.deepEqual(objectsFromEvent({ objects: [{ bucket: BUCKET, key: K1 }] }), {
      objects: [{ bucket: BUCKET, key: K1 }],
      ignored: [],
    });
  });

  it('returns nothing, with a reason, for an event with no records', () => {
    assert.deepEqual(objectsFromEvent({ Records: [] }), { objects: [], ignored: ['event: Records is empty'] });
  });

  it('throws for an object of unknown shape, naming its keys', () => {
    assertParseError(
      () => objectsFromEvent({ foo: 1, bar: 2 }),
      'event has an unknown shape (keys: "foo", "bar"); expected an S3, SQS, SNS or EventBridge event or { objects: [...] }',
    );
  });

  it('throws for records from an unsupported event source', () => {
    assertParseError(
      () => objectsFromEvent({ Records: [{ eventSource: 'aws:kinesis', kinesis: {} }] }),
      'Records[0].eventSource is "aws:kinesis", expected "aws:s3", "aws:sqs" or "aws:sns"',
    );
  });

  it('throws for a record without an event source', () => {
    assertParseError(() => objectsFromEvent({ Records: [{ s3: {} }] }), 'Records[0].eventSource missing');
  });

  it('throws for a record that is not an object', () => {
    assertParseError(() => objectsFromEvent({ Records: [null] }), 'Records[0] missing');
  });

  const notObjects: [string, unknown, string][] = [
    ['null', null, 'event missing'],
    ['an array', [], 'event is an array, not an object'],
    ['a string', '{"Records":[]}', 'event is a string, not an object'],
  ];
  for (const [what, event, message] of notObjects) {
    it(`throws for ${what}`, () => {
      assertParseError(() => objectsFromEvent(event), message);
    });
  }
});

/** The message JSON.parse gives for this text on the running Node version. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('text is valid JSON');
}
