/**
 * The failure path. When objects of an invocation fail, the handler throws ObjectsFailedError; after Lambda's
 * async retries, Lambda sends an invocation record to the on-failure SQS queue:
 *   { version, timestamp, requestContext: { requestId, functionArn, condition, approximateInvokeCount },
 *     requestPayload: <the original event>, responseContext: { statusCode, executedVersion, functionError },
 *     responsePayload: { errorType, errorMessage, trace } }
 * The Node.js runtime keeps only the error's name, message and stack, so the failed objects (bucket, key, kind)
 * travel inside the message: a readable first line, then one `failedObjects=` line of JSON. In EventBridge mode the
 * queue also receives the raw events EventBridge could not deliver. `readFailureMessage` reads both shapes back.
 */
import type { ObjectResult } from './objectProcessor.ts';

/** One failed object as the on-failure record carries it. */
export interface FailedObject {
  readonly bucket: string;
  readonly key: string;
  readonly kind: string;
  readonly transient: boolean;
  readonly message: string;
}

const MARKER = 'failedObjects=';
/** Keeps the record well under SQS's 256 KiB with the original event beside it. */
const MAX_LISTED = 100;
const MAX_MESSAGE = 300;
const MAX_READABLE = 5;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Some objects of one invocation failed; the message names each (bucket, key, kind) so redrive can read it back. */
export class ObjectsFailedError extends Error {
  /** The objects that failed. */
  readonly failed: readonly ObjectResult[];

  /** `results`: every object of the invocation, the processed ones too. */
  constructor(readonly results: readonly ObjectResult[]) {
    const failed = results.filter((r) => r.status === 'failed');
    const total = results.length;
    const readable = failed.slice(0, MAX_READABLE).map((f) => `${f.source} (${f.error?.kind}: ${cut(f.error?.message ?? '', MAX_MESSAGE)})`);
    const more = failed.length > MAX_READABLE ? `; and ${failed.length - MAX_READABLE} more` : '';
    const listed: FailedObject[] = failed.slice(0, MAX_LISTED).map((f) => ({
      bucket: f.bucket, key: f.key, kind: f.error?.kind ?? 'unknown', transient: f.error?.transient ?? false, message: cut(f.error?.message ?? '', MAX_MESSAGE),
    }));
    const complete = failed.length <= MAX_LISTED;
    super(`${failed.length} of ${total} object(s) failed: ${readable.join('; ')}${more}\n${MARKER}${JSON.stringify({ complete, objects: listed })}`);
    this.name = 'ObjectsFailedError';
    this.failed = failed;
  }
}

/** The failed objects named in an ObjectsFailedError message; undefined when the message has no complete list. */
export function failedObjectsIn(errorMessage: string): FailedObject[] | undefined {
  const at = errorMessage.lastIndexOf(`\n${MARKER}`);
  if (at < 0) return undefined;
  try {
    const data = JSON.parse(errorMessage.slice(at + MARKER.length + 1)) as { complete?: unknown; objects?: unknown };
    if (data.complete !== true || !Array.isArray(data.objects)) return undefined;
    const objects = data.objects.filter((o): o is FailedObject => typeof o?.bucket === 'string' && typeof o?.key === 'string');
    return objects.length === data.objects.length ? objects : undefined;
  } catch {
    return undefined;
  }
}

/** The first line of an error message: the readable part, without the JSON line. */
export function errorSummary(errorMessage: string): string {
  const at = errorMessage.indexOf(`\n${MARKER}`);
  return at < 0 ? errorMessage : errorMessage.slice(0, at);
}

/** What a message of the failure queue holds. */
export interface FailureMessage {
  /** The event the function failed on, to be read again by objectsFromEvent. */
  readonly event: unknown;
  /** `invocation-record`: Lambda's on-failure record; `event`: a raw event (EventBridge's dead-letter queue). */
  readonly shape: 'invocation-record' | 'event';
  /** Why it failed the last time: Lambda's condition and error message, or EventBridge's error attributes. */
  readonly previousError?: string;
  /** The objects that failed, when the error named them all: the others of the event were processed. */
  readonly failedObjects?: FailedObject[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one failure-queue message body. `attributes` are the SQS message attributes (EventBridge adds
 * ERROR_CODE and ERROR_MESSAGE to the events it could not deliver).
 *
 * @throws SyntaxError when the body is not JSON.
 */
export function readFailureMessage(body: string, attributes: Record<string, string> = {}): FailureMessage {
  const data: unknown = JSON.parse(body);
  if (isObject(data) && isObject(data.requestContext) && 'requestPayload' in data) {
    const response = isObject(data.responsePayload) ? data.responsePayload : {};
    const errorMessage = typeof response.errorMessage === 'string' ? response.errorMessage : undefined;
    const condition = typeof data.requestContext.condition === 'string' ? data.requestContext.condition : 'failed';
    const errorType = typeof response.errorType === 'string' ? `${response.errorType}: ` : '';
    const failedObjects = errorMessage === undefined ? undefined : failedObjectsIn(errorMessage);
    // The objects' own errors are shown when they are redone; the message only says how many failed.
    const why = failedObjects ? `, ${failedObjects.length} object(s) failed` : errorMessage === undefined ? '' : ` (${errorType}${errorSummary(errorMessage)})`;
    return {
      event: data.requestPayload,
      shape: 'invocation-record',
      previousError: `${condition}${why}`,
      ...(failedObjects ? { failedObjects } : {}),
    };
  }
  const reason = [attributes.ERROR_CODE, attributes.ERROR_MESSAGE].filter(Boolean).join(': ');
  return { event: data, shape: 'event', ...(reason ? { previousError: reason } : {}) };
}
