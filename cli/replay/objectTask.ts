/**
 * One S3 object of a replay, start to end: GetObject, the pipeline, then its matches rendered as lines or
 * published. A transient failure (throttling, a dropped connection mid-object) reads the object again from the
 * start; nothing of a failed attempt has left the task, so no match is output twice.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient, openS3Object, s3Source } from '../../lambda/cloudtrail/s3Object.ts';
import { ObjectReadError } from '../../lambda/cloudtrail/errors.ts';
import type { RuleEngine } from '../../lambda/sigma/index.ts';
import type { SourceOutcome } from '../../lambda/pipeline.ts';
import { detectSource } from '../detection.ts';
import type { SourceDetection } from '../detection.ts';
import { renderLines } from '../matchSinks.ts';
import type { MatchSink } from '../matchSinks.ts';
import type { Format } from '../render/formats.ts';

export interface ObjectTask {
  readonly bucket: string;
  readonly key: string;
}

/** Plain data, so it can cross from a worker thread. */
export interface ObjectReport {
  readonly key: string;
  readonly status: SourceOutcome['status'];
  readonly records: number;
  readonly bytesRead: number;
  readonly bytesDecoded: number;
  /** Levels of the readable matches, one entry per match. */
  readonly levels: string[];
  /** The matches as output lines (render mode). */
  readonly lines?: string;
  /** Alerts published (publish mode). */
  readonly published: number;
  /** Matches not alerted again (publish mode). */
  readonly deduplicated: number;
  /** `kind: message` of the failure. */
  readonly failure?: string;
  readonly skipReason?: string;
  /** Reads of the object, 1 unless a transient failure was retried. */
  readonly attempts: number;
}

export interface ObjectTaskContext {
  readonly s3: S3Client;
  readonly engine: RuleEngine;
  /** Lines in this format, or alerts through `publish`. */
  readonly output: { readonly format: Format } | { readonly publish: MatchSink };
  /** Extra reads after a transient failure. @default 2 */
  readonly retries?: number;
  /** First pause before a retry, doubled each time. @default 1000 */
  readonly retryDelayMs?: number;
}

const transient = (e: ObjectReadError) => e.kind === 'transient' || isTransient(e.cause);

async function attempt(task: ObjectTask, ctx: ObjectTaskContext): Promise<SourceDetection> {
  const source = s3Source(task);
  let bytes: AsyncIterable<Uint8Array>;
  try {
    bytes = await openS3Object(ctx.s3, task);
  } catch (err) {
    const failure = err instanceof ObjectReadError ? err : new ObjectReadError(source, 'read-error', (err as Error).message, { cause: err });
    return { outcome: { source, status: 'failed', records: 0, matches: 0, bytesRead: 0, bytesDecoded: 0, badRecords: 0, error: failure }, matches: [], failure };
  }
  return detectSource(source, bytes, ctx.engine);
}

export async function runObjectTask(task: ObjectTask, ctx: ObjectTaskContext): Promise<ObjectReport> {
  const retries = ctx.retries ?? 2;
  let detection: SourceDetection;
  let attempts = 0;
  for (;;) {
    attempts++;
    detection = await attempt(task, ctx);
    if (!detection.failure || !transient(detection.failure) || attempts > retries) break;
    await sleep((ctx.retryDelayMs ?? 1000) * 2 ** (attempts - 1));
  }
  const { outcome, matches, failure } = detection;
  let published = 0;
  let deduplicated = 0;
  let lines: string | undefined;
  let deliveryFailure: string | undefined;
  if ('format' in ctx.output) {
    if (matches.length > 0) lines = renderLines(matches, ctx.output.format);
  } else {
    const delivery = await ctx.output.publish.deliver(matches);
    published = delivery.published;
    deduplicated = delivery.deduplicated ?? 0;
    deliveryFailure = delivery.failure && `publish-failed: ${delivery.failure}`;
  }
  const why = failure ? `${failure.kind}: ${failure.detail}` : deliveryFailure;
  return {
    key: task.key,
    status: why ? 'failed' : outcome.status,
    records: outcome.records,
    bytesRead: outcome.bytesRead,
    bytesDecoded: outcome.bytesDecoded,
    levels: matches.map((m) => m.rule.meta.level),
    ...(lines !== undefined ? { lines } : {}),
    published,
    deduplicated,
    ...(why ? { failure: why } : {}),
    ...(outcome.skipReason ? { skipReason: outcome.skipReason } : {}),
    attempts,
  };
}
