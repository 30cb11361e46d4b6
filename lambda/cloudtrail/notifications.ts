/**
 * Which S3 objects an invocation is about, whatever carried the news: an S3 event notification, the same inside SQS
 * or SNS (or SNS inside SQS), an EventBridge "Object Created" event, or a backfill's `{ objects: [...] }` batch.
 * Each envelope has one small reader; `objectsFromEvent` picks the reader by shape. Anything that is not an object
 * creation (e.g. `s3:TestEvent`, ObjectRemoved) is listed in `ignored`, never silently dropped; a shape that cannot
 * be read throws a NotificationParseError naming the position.
 */
import { decodeS3EventKey } from './objectKey.ts';
import type { ObjectRef } from './types.ts';

export interface NotificationObjects {
  objects: ObjectRef[];
  /** One line per skipped message or record: its position and why, e.g. "Records[0].body: s3:TestEvent …". */
  ignored: string[];
}

/** An event, or a part of it, that none of the readers accepts; `position` says where, e.g. `Records[2].body`. */
export class NotificationParseError extends Error {
  override readonly name = 'NotificationParseError';
  readonly position: string;
  readonly reason: string;

  constructor(position: string, reason: string, options?: ErrorOptions) {
    super(`${position} ${reason}`, options);
    this.position = position;
    this.reason = reason;
  }
}

type Json = Record<string, unknown>;
/** Objects found before de-duplication, each with where it was announced. */
interface Found {
  refs: { ref: ObjectRef; at: string }[];
  ignored: string[];
}

const here = (at: string): string => at || 'event';
const child = (at: string, name: string): string => (at ? `${at}.${name}` : name);
const ignore = (at: string, why: string): Found => ({ refs: [], ignored: [`${here(at)}: ${why}`] });

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function requireObject(value: unknown, at: string): Json {
  if (value === undefined || value === null) throw new NotificationParseError(here(at), 'missing');
  if (!isObject(value)) throw new NotificationParseError(here(at), `is ${kindOf(value)}, not an object`);
  return value;
}

function requireString(value: unknown, at: string): string {
  if (value === undefined || value === null) throw new NotificationParseError(at, 'missing');
  if (typeof value !== 'string') throw new NotificationParseError(at, `is ${kindOf(value)}, not a string`);
  if (value === '') throw new NotificationParseError(at, 'is empty');
  return value;
}

/** SQS bodies and SNS messages carry the inner event as JSON text. */
function parseJsonText(value: unknown, at: string): unknown {
  const text = requireString(value, at);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NotificationParseError(at, `is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Where the optional metadata sits; S3 notifications and backfill batches use these very names. */
type RefMeta = { [K in 'size' | 'versionId' | 'sequencer' | 'eTag']?: unknown };

/** Optional metadata is taken when well-typed and otherwise left out: it never decides whether an object is read. */
function objectRef(bucket: string, key: string, meta: RefMeta): ObjectRef {
  const ref: ObjectRef = { bucket, key };
  if (typeof meta.size === 'number' && Number.isFinite(meta.size) && meta.size >= 0) ref.size = meta.size;
  if (typeof meta.versionId === 'string' && meta.versionId) ref.versionId = meta.versionId;
  if (typeof meta.sequencer === 'string' && meta.sequencer) ref.sequencer = meta.sequencer;
  if (typeof meta.eTag === 'string' && meta.eTag) ref.eTag = meta.eTag;
  return ref;
}

function merge(parts: Found[]): Found {
  return { refs: parts.flatMap((p) => p.refs), ignored: parts.flatMap((p) => p.ignored) };
}

function eachRecord(event: unknown, at: string, read: (record: Json, at: string) => Found): Found {
  const records = requireObject(event, at).Records;
  const where = child(at, 'Records');
  if (records === undefined || records === null) throw new NotificationParseError(where, 'missing');
  if (!Array.isArray(records)) throw new NotificationParseError(where, `is ${kindOf(records)}, not an array`);
  if (records.length === 0) return ignore(at, 'Records is empty');
  return merge(records.map((record, i) => read(requireObject(record, `${where}[${i}]`), `${where}[${i}]`)));
}

function checkSource(record: Json, field: 'eventSource' | 'EventSource', expected: string, at: string): void {
  const source = requireString(record[field], `${at}.${field}`);
  if (source !== expected) {
    const reason = `is ${JSON.stringify(source)}, expected ${JSON.stringify(expected)}`;
    throw new NotificationParseError(`${at}.${field}`, reason);
  }
}

function isTestEvent(value: unknown): value is Json {
  return isObject(value) && value.Event === 's3:TestEvent';
}

function testEvent(event: Json, at: string): Found {
  return ignore(at, `s3:TestEvent (bucket ${String(event.Bucket)}), sent when a notification configuration is saved`);
}

const OBJECT_CREATED = /^(s3:)?ObjectCreated:/;

function s3Record(record: Json, at: string): Found {
  checkSource(record, 'eventSource', 'aws:s3', at);
  const eventName = requireString(record.eventName, `${at}.eventName`);
  if (!OBJECT_CREATED.test(eventName)) return ignore(at, `${eventName} is not an object creation`);
  const s3 = requireObject(record.s3, `${at}.s3`);
  const bucket = requireString(requireObject(s3.bucket, `${at}.s3.bucket`).name, `${at}.s3.bucket.name`);
  const object = requireObject(s3.object, `${at}.s3.object`);
  const rawKey = requireString(object.key, `${at}.s3.object.key`);
  let key: string;
  try {
    key = decodeS3EventKey(rawKey);
  } catch (error) {
    const reason = `cannot be decoded: ${JSON.stringify(rawKey)}`;
    throw new NotificationParseError(`${at}.s3.object.key`, reason, { cause: error });
  }
  return { refs: [{ ref: objectRef(bucket, key, object), at }], ignored: [] };
}

function s3Notification(event: unknown, at: string): Found {
  return isTestEvent(event) ? testEvent(event, at) : eachRecord(event, at, s3Record);
}

function eventBridgeEvent(event: Json, at: string): Found {
  const source = requireString(event.source, child(at, 'source'));
  if (source !== 'aws.s3') {
    throw new NotificationParseError(child(at, 'source'), `is ${JSON.stringify(source)}, expected "aws.s3"`);
  }
  const detailType = requireString(event['detail-type'], child(at, 'detail-type'));
  if (detailType !== 'Object Created') return ignore(at, `EventBridge "${detailType}" is not an object creation`);
  const detail = requireObject(event.detail, child(at, 'detail'));
  const bucketInfo = requireObject(detail.bucket, child(at, 'detail.bucket'));
  const bucket = requireString(bucketInfo.name, child(at, 'detail.bucket.name'));
  const object = requireObject(detail.object, child(at, 'detail.object'));
  // The key is used as it arrives, not decoded. The S3 user guide documents form encoding only for the notification
  // format ("The object key name value is URL encoded", notification-content-structure); its EventBridge page
  // (ev-events) describes detail.object.key with no encoding, and moto sends the raw key there. Decoding a raw key
  // would corrupt keys containing `+` or `%`. (Powertools for Python does unquote_plus these keys; the CloudTrail
  // key layout itself contains no character on which the two readings differ, only a custom prefix could.)
  const key = requireString(object.key, child(at, 'detail.object.key'));
  const ref = objectRef(bucket, key, {
    size: object.size,
    versionId: object['version-id'],
    sequencer: object.sequencer,
    eTag: object.etag ?? object.eTag,
  });
  return { refs: [{ ref, at }], ignored: [] };
}

function isEventBridgeEvent(value: Json): boolean {
  return typeof value['detail-type'] === 'string' && 'source' in value && 'detail' in value;
}

/**
 * What an SQS body or SNS message can hold: an S3 notification (or its test event), an EventBridge event, or
 * (only directly inside SQS, when raw delivery is off) an SNS envelope around one of those.
 */
function innerMessage(value: unknown, at: string, snsEnvelopeAllowed: boolean): Found {
  if (isTestEvent(value)) return testEvent(value, at);
  if (!isObject(value)) throw new NotificationParseError(at, `is ${kindOf(value)}, not an object`);
  if ('Records' in value) return s3Notification(value, at);
  if (isEventBridgeEvent(value)) return eventBridgeEvent(value, at);
  if (snsEnvelopeAllowed && value.Type === 'Notification' && 'Message' in value) {
    return innerMessage(parseJsonText(value.Message, `${at}.Message`), `${at}.Message`, false);
  }
  if (snsEnvelopeAllowed && (value.Type === 'SubscriptionConfirmation' || value.Type === 'UnsubscribeConfirmation')) {
    return ignore(at, `SNS ${value.Type} for ${String(value.TopicArn)}`);
  }
  throw new NotificationParseError(at, 'is not an S3 notification, an SNS message or an EventBridge event');
}

function sqsRecord(record: Json, at: string): Found {
  checkSource(record, 'eventSource', 'aws:sqs', at);
  return innerMessage(parseJsonText(record.body, `${at}.body`), `${at}.body`, true);
}

function snsRecord(record: Json, at: string): Found {
  checkSource(record, 'EventSource', 'aws:sns', at);
  const sns = requireObject(record.Sns, `${at}.Sns`);
  return innerMessage(parseJsonText(sns.Message, `${at}.Sns.Message`), `${at}.Sns.Message`, false);
}

function anyRecord(record: Json, at: string): Found {
  const source = record.eventSource ?? record.EventSource;
  if (source === 'aws:s3') return s3Record(record, at);
  if (source === 'aws:sqs') return sqsRecord(record, at);
  if (source === 'aws:sns') return snsRecord(record, at);
  if (source === undefined) throw new NotificationParseError(`${at}.eventSource`, 'missing');
  const reason = `is ${JSON.stringify(source)}, expected "aws:s3", "aws:sqs" or "aws:sns"`;
  throw new NotificationParseError(`${at}.eventSource`, reason);
}

function objectBatch(event: unknown): Found {
  const objects = requireObject(event, '').objects;
  if (objects === undefined || objects === null) throw new NotificationParseError('objects', 'missing');
  if (!Array.isArray(objects)) throw new NotificationParseError('objects', `is ${kindOf(objects)}, not an array`);
  return {
    refs: objects.map((item, i) => {
      const at = `objects[${i}]`;
      const o = requireObject(item, at);
      return { ref: objectRef(requireString(o.bucket, `${at}.bucket`), requireString(o.key, `${at}.key`), o), at };
    }),
    ignored: [],
  };
}

/** At-least-once delivery can repeat an object inside one batch; reading it twice would alert twice. */
function finish(found: Found): NotificationObjects {
  const seen = new Map<string, string>();
  const objects: ObjectRef[] = [];
  const ignored = [...found.ignored];
  for (const { ref, at } of found.refs) {
    const id = JSON.stringify([ref.bucket, ref.key, ref.versionId ?? '']);
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, at);
      objects.push(ref);
    } else {
      ignored.push(`${here(at)}: s3://${ref.bucket}/${ref.key} repeats ${here(first)}`);
    }
  }
  return { objects, ignored };
}

/** Reads an S3 event notification as S3 sends it to Lambda (or its `s3:TestEvent`); keys are decoded. */
export function fromS3(event: unknown): NotificationObjects {
  return finish(s3Notification(event, ''));
}

/** Reads an SQS event whose bodies are S3 notifications, SNS envelopes of them, or EventBridge events. */
export function fromSqs(event: unknown): NotificationObjects {
  return finish(eachRecord(event, '', sqsRecord));
}

/** Reads an SNS event whose messages are S3 notifications or EventBridge events. */
export function fromSns(event: unknown): NotificationObjects {
  return finish(eachRecord(event, '', snsRecord));
}

/** Reads an EventBridge event from S3; only "Object Created" yields an object. */
export function fromEventBridge(event: unknown): NotificationObjects {
  return finish(eventBridgeEvent(requireObject(event, ''), ''));
}

/** Reads a backfill batch `{ objects: [{ bucket, key, … }] }`; its keys come from a listing and stay as they are. */
export function fromObjectBatch(event: unknown): NotificationObjects {
  return finish(objectBatch(event));
}

/**
 * The objects an invocation should read, whichever envelope brought them. Records of an SQS, SNS or S3 event are
 * told apart by their event source, so each is read by its own reader.
 *
 * @example objectsFromEvent(sqsEvent) // { objects: [{ bucket: 'trail', key: 'AWSLogs/….json.gz' }], ignored: [] }
 * @throws NotificationParseError for any other shape, naming the position that could not be read.
 */
export function objectsFromEvent(event: unknown): NotificationObjects {
  const top = requireObject(event, '');
  if (isTestEvent(top)) return finish(testEvent(top, ''));
  if ('Records' in top) return finish(eachRecord(top, '', anyRecord));
  if (isEventBridgeEvent(top)) return fromEventBridge(top);
  if ('objects' in top) return fromObjectBatch(top);
  const keys = Object.keys(top).slice(0, 8).map((k) => JSON.stringify(k.slice(0, 40))).join(', ');
  throw new NotificationParseError(
    'event',
    `has an unknown shape (keys: ${keys || 'none'}); ` +
      'expected an S3, SQS, SNS or EventBridge event or { objects: [...] }',
  );
}
