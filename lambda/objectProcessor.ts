/**
 * One S3 object, start to end: read (with retries for transient errors) → detect → publish. Shared by the Lambda
 * handler and `cloudtrail-sigma redrive`. Never throws for a bad object: the result says what happened.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { HandlerConfig } from './config.ts';
import { classifyKey } from './cloudtrail/objectKey.ts';
import type { ObjectRef } from './cloudtrail/types.ts';
import { isTransientReadError, readS3Object, s3Source } from './cloudtrail/s3Object.ts';
import type { ReadRetryOptions } from './cloudtrail/s3Object.ts';
import { ObjectReadError } from './cloudtrail/errors.ts';
import type { RuleEngine } from './sigma/runtime.ts';
import { detectInSource, readableMatches } from './pipeline.ts';
import type { Match } from './pipeline.ts';
import { publishMatches } from './alerts/dispatch.ts';
import type { DispatchResult } from './alerts/dispatch.ts';
import type { AlertClaims } from './alerts/dedup.ts';
import type { PublishAlertsOptions, PublishFailure } from './alerts/publisher.ts';
import { mapLimit } from './mapLimit.ts';

export interface ProcessDeps {
  readonly config: Pick<HandlerConfig, 'alertTopicArn' | 'stormThreshold'>;
  readonly engine: RuleEngine;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  /** De-duplication across invocations. @default undefined - only within one object */
  readonly claims?: AlertClaims;
  /** Epoch ms by which this attempt has ended for sure (the Lambda's deadline): see DispatchContext.deadline. */
  readonly deadline?: number;
  /** @default readS3Object's defaults - 3 tries with backoff (tests pass a no-wait sleep) */
  readonly readRetry?: ReadRetryOptions;
  /** @default publishAlerts' defaults - retry rounds with backoff (tests pass a no-wait sleep) */
  readonly publishRetry?: PublishAlertsOptions;
}

export interface ObjectError {
  /** Short machine-readable kind, e.g. `no-such-key`, `access-denied`, `not-gzip`, `publish-failed`. */
  readonly kind: string;
  readonly message: string;
  /** True when trying again later may succeed (throttling, 5xx, timeouts); false when something must be fixed. */
  readonly transient: boolean;
}

export interface ObjectResult {
  /** `s3://bucket/key` */
  readonly source: string;
  readonly bucket: string;
  readonly key: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly records: number;
  readonly matches: number;
  /** Bytes read from S3 on the last try (the compressed size for gzip). */
  readonly bytes: number;
  readonly durationMs: number;
  /** GetObject tries, the first included. */
  readonly attempts: number;
  /** SNS messages published: single alerts and aggregated alerts. */
  readonly alertsPublished: number;
  /** Matches not alerted again: already alerted in this object or by an earlier invocation. */
  readonly alertsDeduplicated: number;
  /** Matches sent inside aggregated (storm) alerts. */
  readonly alertsAggregated: number;
  /** Why the object failed (status `failed`). */
  readonly error?: ObjectError;
  /** Why it was skipped (status `skipped`), e.g. a digest file. */
  readonly skipReason?: string;
  /** Things that did not fail the object but someone should know, e.g. the de-duplication table was unavailable. */
  readonly warnings?: string[];
}

/** SNS refusals that a later try will meet again. */
const PERMANENT_PUBLISH_CODES = /InvalidParameter|MessageTooLong|BatchEntryId|AuthorizationError|AccessDenied|NotFound|KMSDisabled|KMSInvalidState|KMSNotFound|KMSOptInRequired|InvalidSecurity/;

/** The result names the object beside the message, so the message does not repeat it. */
function readError(err: ObjectReadError): ObjectError {
  return { kind: err.kind, message: err.detail, transient: isTransientReadError(err) };
}

function publishError(failed: readonly PublishFailure[]): ObjectError {
  const first = failed[0]!;
  return {
    kind: 'publish-failed',
    message: `${failed.length} alert(s) not published: ${first.code}: ${first.message}`,
    transient: failed.every((f) => !PERMANENT_PUBLISH_CODES.test(f.code)),
  };
}

const emptyResult = (ref: ObjectRef) => ({
  source: s3Source(ref), bucket: ref.bucket, key: ref.key, records: 0, matches: 0, bytes: 0, attempts: 0, alertsPublished: 0, alertsDeduplicated: 0, alertsAggregated: 0,
});

/**
 * Reads, evaluates and alerts one object. Records read before a failure are still evaluated and alerted; a
 * transient read failure starts the object over (before anything is published, so nothing is alerted twice).
 * An unexpected exception (a bug) fails this object as `internal-error`, never its neighbours.
 *
 * @example const result = await processObject({ bucket, key }, { config, engine, s3, sns });
 */
export async function processObject(ref: ObjectRef, deps: ProcessDeps): Promise<ObjectResult> {
  const started = performance.now();
  const done = (result: Omit<ObjectResult, 'durationMs'>): ObjectResult => ({ ...result, durationMs: Math.round(performance.now() - started) });
  try {
    return await readDetectPublish(ref, deps, done);
  } catch (err) {
    const e = err as Error;
    return done({ ...emptyResult(ref), status: 'failed', error: { kind: 'internal-error', message: `${e?.name}: ${e?.message}`, transient: false } });
  }
}

async function readDetectPublish(ref: ObjectRef, deps: ProcessDeps, done: (result: Omit<ObjectResult, 'durationMs'>) => ObjectResult): Promise<ObjectResult> {
  const source = s3Source(ref);
  const empty = emptyResult(ref);

  const keyKind = classifyKey(ref.key);
  if (keyKind === 'digest' || keyKind === 'insight') {
    return done({ ...empty, status: 'skipped', skipReason: `CloudTrail ${keyKind} file (by its key)` });
  }
  let matches: Match[] = [];
  const { result: outcome, attempts } = await readS3Object(deps.s3, ref, (bytes) => {
    matches = [];
    return detectInSource(source, bytes, deps.engine, (m) => matches.push(m));
  }, deps.readRetry);
  if (outcome instanceof ObjectReadError) {
    return done({ ...empty, attempts, status: 'failed', error: readError(outcome) });
  }

  const { readable, errors } = readableMatches(matches);
  const read = { ...empty, attempts, records: outcome.records, matches: outcome.matches, bytes: outcome.bytesRead };
  let published: DispatchResult;
  try {
    published = await publishMatches(readable, {
      sns: deps.sns, topicArn: deps.config.alertTopicArn, claims: deps.claims, deadline: deps.deadline, stormThreshold: deps.config.stormThreshold, publish: deps.publishRetry,
    });
  } catch (err) {
    const e = err as Error;
    return done({ ...read, status: 'failed', error: { kind: 'internal-error', message: `alerting failed: ${e?.name}: ${e?.message}`, transient: false } });
  }
  const base = {
    ...read,
    alertsPublished: published.published, alertsDeduplicated: published.deduplicated, alertsAggregated: published.aggregated,
    ...(published.claimErrors.length > 0 ? { warnings: published.claimErrors.map((e) => `de-duplication table unavailable, an alert sent may repeat: ${e}`) } : {}),
  };
  const failure = outcome.error ?? errors[0];
  if (failure) return done({ ...base, status: 'failed', error: readError(failure) });
  if (published.failed.length > 0) return done({ ...base, status: 'failed', error: publishError(published.failed) });
  if (outcome.status === 'skipped') return done({ ...base, status: 'skipped', skipReason: outcome.skipReason ?? 'skipped' });
  return done({ ...base, status: 'ok' });
}

