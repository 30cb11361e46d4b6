/**
 * Publishing alerts to SNS with PublishBatch, within SNS's limits and without losing any: every alert ends up
 * either published or in `failed` with a code and a message.
 *
 * Retries, on top of the SDK's own: the SDK client retries a whole call on throttling, 5xx and network errors
 * (standard mode, 3 attempts by default) but never looks inside a 200 response. This module adds rounds for
 * (a) entries reported in `Failed` without SenderFault, which the SDK cannot see, and (b) whole calls whose error is
 * still transient after the SDK gave up. Between rounds it waits with exponential backoff and full jitter.
 * Sender faults and other client errors are reported at once, never retried.
 */
import {
  PublishBatchCommand,
  type MessageAttributeValue,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { setTimeout as delay } from 'node:timers/promises';

/** PublishBatch takes at most this many entries. */
export const MAX_BATCH_ENTRIES = 10;
/** The size limit of one message and of one PublishBatch request (256 KiB), Subject and attributes included. */
export const MAX_PUBLISH_BYTES = 262_144;
/** SNS subjects must be shorter than this. */
export const MAX_SUBJECT_LENGTH = 100;

export interface OutgoingAlert {
  /** Unique within one publishAlerts call and usable as a batch entry id: 1–80 characters of [A-Za-z0-9_-]. */
  id: string;
  subject?: string;
  message: string;
  /** 'json': `message` is a JSON object of per-protocol strings with a required `default` key. */
  messageStructure?: 'json';
  /** Sent as String message attributes for subscription filter policies; empty values are left out. */
  attributes: Record<string, string>;
}

export interface PublishFailure {
  alert: OutgoingAlert;
  /** The SNS error code (e.g. `KMSAccessDenied`, `Throttled`) or this module's reason for not sending it. */
  code: string;
  message: string;
}

export interface PublishResult {
  published: number;
  failed: PublishFailure[];
}

export interface PublishAlertsOptions {
  /** @default 4 - rounds per alert: the first PublishBatch plus up to 3 retries. */
  maxAttempts?: number;
  /** @default 200 - wait ceiling in ms before the first retry; it doubles each round (the wait is random below it). */
  baseDelayMs?: number;
  /** @default 5000 - the ceiling never grows past this, in ms. */
  maxDelayMs?: number;
  /** @default setTimeout from node:timers/promises - tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** @default Math.random - the jitter source, in [0, 1). */
  random?: () => number;
}

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!(aws|amazon)\.)[A-Za-z0-9_.-]{1,256}$/i;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const THROTTLING_CODES = new Set([
  'Throttled',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KMSThrottlingException',
  'KMSThrottling',
]);

interface Prepared {
  alert: OutgoingAlert;
  entry: PublishBatchRequestEntry & { Id: string };
  bytes: number;
}

interface Failure {
  item: Prepared;
  code: string;
  message: string;
}

/** The non-empty attributes as SNS String message attributes. */
function messageAttributes(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== '') result[name] = { DataType: 'String', StringValue: value };
  }
  return result;
}

/**
 * The bytes an alert counts against the 256 KiB limits: message, subject, and each attribute's name, type and value.
 * Exported so the alert formatter can cut a large record to fit before publishing.
 */
export function alertBytes(alert: Pick<OutgoingAlert, 'message' | 'subject' | 'attributes'>): number {
  let bytes = Buffer.byteLength(alert.message) + Buffer.byteLength(alert.subject ?? '');
  for (const [name, value] of Object.entries(messageAttributes(alert.attributes))) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType!) + Buffer.byteLength(value.StringValue!);
  }
  return bytes;
}

const ID_RULE = 'is not 1-80 characters of [A-Za-z0-9_-]';
const SUBJECT_RULE = `must be under ${MAX_SUBJECT_LENGTH} characters, without control characters`;
const JSON_RULE = 'a messageStructure "json" message must be a JSON object with a string "default"';

/** Why SNS would reject this alert, found before sending so one bad alert cannot sink its whole batch. */
function problemWith(alert: OutgoingAlert): { code: string; message: string } | undefined {
  const invalid = (message: string) => ({ code: 'InvalidParameter', message });
  if (!ENTRY_ID.test(alert.id)) {
    return { code: 'InvalidBatchEntryId', message: `id ${JSON.stringify(alert.id)} ${ID_RULE}` };
  }
  if (alert.message === '') return invalid('message is empty');
  const subject = alert.subject ?? '';
  if (subject.length >= MAX_SUBJECT_LENGTH || CONTROL_CHARACTERS.test(subject)) {
    return invalid(`subject ${SUBJECT_RULE}`);
  }
  const badName = Object.keys(alert.attributes).find((name) => !ATTRIBUTE_NAME.test(name));
  if (badName !== undefined) return invalid(`message attribute name ${JSON.stringify(badName)} is not allowed by SNS`);
  if (alert.messageStructure === 'json' && !hasDefaultKey(alert.message)) return invalid(JSON_RULE);
  const bytes = alertBytes(alert);
  if (bytes > MAX_PUBLISH_BYTES) {
    return { code: 'MessageTooLong', message: `alert is ${bytes} bytes, over the ${MAX_PUBLISH_BYTES}-byte SNS limit` };
  }
  return undefined;
}

function hasDefaultKey(message: string): boolean {
  try {
    const parsed: unknown = JSON.parse(message);
    return typeof (parsed as { default?: unknown } | null)?.default === 'string';
  } catch {
    return false;
  }
}

function prepare(alert: OutgoingAlert): Prepared {
  const entry: Prepared['entry'] = { Id: alert.id, Message: alert.message };
  if (alert.subject) entry.Subject = alert.subject;
  if (alert.messageStructure) entry.MessageStructure = alert.messageStructure;
  const attributes = messageAttributes(alert.attributes);
  if (Object.keys(attributes).length > 0) entry.MessageAttributes = attributes;
  return { alert, entry, bytes: alertBytes(alert) };
}

/** Packs alerts in order into batches of ≤ 10 entries and ≤ 256 KiB, with no entry id twice in one batch. */
function toBatches(items: Prepared[]): Prepared[][] {
  const batches: Prepared[][] = [];
  let current: Prepared[] = [];
  let bytes = 0;
  let ids = new Set<string>();
  for (const item of items) {
    const full = current.length === MAX_BATCH_ENTRIES || bytes + item.bytes > MAX_PUBLISH_BYTES;
    if (current.length > 0 && (full || ids.has(item.entry.Id))) {
      batches.push(current);
      current = [];
      bytes = 0;
      ids = new Set();
    }
    current.push(item);
    bytes += item.bytes;
    ids.add(item.entry.Id);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Throttling, server faults and failures without any service answer (network, timeout) may pass on another try. */
function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable || THROTTLING_CODES.has(e.name ?? '')) return true;
  if (e.$fault === undefined) return true;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return e.$fault === 'server' || status === 429 || status >= 500;
}

async function sendBatch(
  sns: SNSClient,
  topicArn: string,
  batch: Prepared[],
): Promise<{ published: number; permanent: Failure[]; transient: Failure[] }> {
  const permanent: Failure[] = [];
  const transient: Failure[] = [];
  let response;
  try {
    const entries = batch.map((item) => item.entry);
    response = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
  } catch (error) {
    const code = (error as Error).name || 'Error';
    const message = (error as Error).message ?? String(error);
    (isTransient(error) ? transient : permanent).push(...batch.map((item) => ({ item, code, message })));
    return { published: 0, permanent, transient };
  }
  const waiting = new Map(batch.map((item) => [item.entry.Id, item]));
  let published = 0;
  for (const success of response.Successful ?? []) {
    if (success.Id !== undefined && waiting.delete(success.Id)) published++;
  }
  for (const failure of response.Failed ?? []) {
    const item = failure.Id === undefined ? undefined : waiting.get(failure.Id);
    if (!item) continue;
    waiting.delete(item.entry.Id);
    const reported = { item, code: failure.Code ?? 'Unknown', message: failure.Message ?? '' };
    (failure.SenderFault ? permanent : transient).push(reported);
  }
  for (const item of waiting.values()) {
    transient.push({ item, code: 'MissingFromResponse', message: 'PublishBatch reported neither success nor failure' });
  }
  return { published, permanent, transient };
}

/**
 * Publishes alerts to the topic in as few PublishBatch calls as SNS allows, retrying what may pass later.
 * Never throws for SNS errors: each alert is counted as published or listed in `failed` with the reason.
 *
 * @example
 * const { published, failed } = await publishAlerts(sns, topicArn, [
 *   { id: 'r1-e1', subject: 'medium: Attempt To Create API Key', message: '…', attributes: { severity: 'medium' } },
 * ]);
 */
export async function publishAlerts(
  sns: SNSClient,
  topicArn: string,
  alerts: OutgoingAlert[],
  opts: PublishAlertsOptions = {},
): Promise<PublishResult> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  const baseDelayMs = opts.baseDelayMs ?? 200;
  const maxDelayMs = opts.maxDelayMs ?? 5000;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms));
  const random = opts.random ?? Math.random;

  const failed: PublishFailure[] = [];
  let pending: Prepared[] = [];
  for (const alert of alerts) {
    const problem = problemWith(alert);
    if (problem) failed.push({ alert, ...problem });
    else pending.push(prepare(alert));
  }

  let published = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const retry: Failure[] = [];
    for (const batch of toBatches(pending)) {
      const outcome = await sendBatch(sns, topicArn, batch);
      published += outcome.published;
      failed.push(...outcome.permanent.map(({ item, code, message }) => ({ alert: item.alert, code, message })));
      retry.push(...outcome.transient);
    }
    if (retry.length > 0 && attempt >= maxAttempts) {
      const note = ` (after ${attempt} attempts)`;
      failed.push(...retry.map((f) => ({ alert: f.item.alert, code: f.code, message: f.message + note })));
      break;
    }
    if (retry.length > 0) await sleep(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    pending = retry.map((f) => f.item);
  }
  return { published, failed };
}
