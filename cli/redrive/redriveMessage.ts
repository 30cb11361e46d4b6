/**
 * One failure-queue message redone: read it back (Lambda's on-failure record or a raw EventBridge event), find the
 * objects that failed, and run each through the detector's own processObject. The message may be deleted only when
 * every one of them is now processed.
 */
import { objectsFromEvent } from '../../lambda/cloudtrail/notifications.ts';
import type { ObjectRef } from '../../lambda/cloudtrail/types.ts';
import { readFailureMessage } from '../../lambda/failures.ts';
import type { FailureMessage } from '../../lambda/failures.ts';
import { processObject } from '../../lambda/objectProcessor.ts';
import { mapLimit } from '../../lambda/mapLimit.ts';
import type { ObjectResult, ProcessDeps } from '../../lambda/objectProcessor.ts';

export interface MessageOutcome {
  /** True when every object of the message is processed (or there was none): delete the message. */
  readonly done: boolean;
  /** How the message read, e.g. "Lambda on-failure record: RetriesExhausted (…)". */
  readonly what: string;
  /** Why the message cannot be redone at all (not JSON, not an S3 event); then `results` is empty. */
  readonly unreadable?: string;
  /** Notifications in the event that name no object (e.g. s3:TestEvent). */
  readonly ignored: readonly string[];
  readonly results: readonly ObjectResult[];
  /** Objects of the event left alone because the error said they had been processed. */
  readonly alreadyProcessed: number;
}

const refId = (bucket: string, key: string) => `${bucket}\u0000${key}`;

/** The objects to redo: those the error named when it named them all, else every object of the event. */
function objectsToRedo(message: FailureMessage): { refs: ObjectRef[]; ignored: string[]; alreadyProcessed: number } {
  const { objects, ignored } = objectsFromEvent(message.event);
  if (!message.failedObjects) return { refs: objects, ignored, alreadyProcessed: 0 };
  const failed = new Set(message.failedObjects.map((f) => refId(f.bucket, f.key)));
  const refs = objects.filter((o) => failed.has(refId(o.bucket, o.key)));
  // The names come from our own error; if they no longer match the event, trust the names.
  if (refs.length === 0) return { refs: message.failedObjects.map((f) => ({ bucket: f.bucket, key: f.key })), ignored, alreadyProcessed: 0 };
  return { refs, ignored, alreadyProcessed: objects.length - refs.length };
}

function describe(message: FailureMessage): string {
  const shape = message.shape === 'invocation-record' ? 'Lambda on-failure record' : 'event';
  return message.previousError ? `${shape}: ${message.previousError}` : shape;
}

/**
 * Redoes one message body. Never throws for a bad message: an unreadable one is reported and kept.
 *
 * @example const outcome = await redriveMessage(m.Body, attributes, { config, engine, s3, sns });
 */
export async function redriveMessage(body: string, attributes: Record<string, string>, deps: ProcessDeps, concurrency = 4): Promise<MessageOutcome> {
  let message: FailureMessage;
  try {
    message = readFailureMessage(body, attributes);
  } catch (err) {
    return { done: false, what: 'message', unreadable: `not JSON: ${(err as Error).message}`, ignored: [], results: [], alreadyProcessed: 0 };
  }
  const what = describe(message);
  let plan: ReturnType<typeof objectsToRedo>;
  try {
    plan = objectsToRedo(message);
  } catch (err) {
    return { done: false, what, unreadable: `not an S3 object event: ${(err as Error).message}`, ignored: [], results: [], alreadyProcessed: 0 };
  }
  const results = await mapLimit(plan.refs, concurrency, (ref) => processObject(ref, deps));
  return { done: results.every((r) => r.status !== 'failed'), what, ignored: plan.ignored, results, alreadyProcessed: plan.alreadyProcessed };
}
