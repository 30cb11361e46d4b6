/**
 * The Lambda: S3 "ObjectCreated" notifications (direct, or through SQS, SNS or EventBridge) → each CloudTrail
 * object streamed and gunzipped → every record against the compiled rules → one SNS alert per match.
 * One object failing does not stop the others; the invocation fails (so the event is retried, then sent to the
 * failure destination) when any object failed, and each failed object is named in a structured log line.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { readConfig } from './config.ts';
import type { HandlerConfig } from './config.ts';
import { objectsFromEvent } from './cloudtrail/notifications.ts';
import { classifyKey } from './cloudtrail/objectKey.ts';
import type { ObjectRef } from './cloudtrail/types.ts';
import { openS3Object, s3Source } from './cloudtrail/s3Object.ts';
import { ObjectReadError } from './cloudtrail/errors.ts';
import { parseBundle, RuleEngine } from './sigma/runtime.ts';
import { detectInSource, readableMatches } from './pipeline.ts';
import type { Match } from './pipeline.ts';
import { publishMatches } from './alerts/dispatch.ts';
import { dynamoDbClaims } from './alerts/dedup.ts';
import type { AlertClaims } from './alerts/dedup.ts';

export interface HandlerDeps {
  readonly config: HandlerConfig;
  readonly engine: RuleEngine;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  /** De-duplication across invocations. @default undefined - only within one object */
  readonly claims?: AlertClaims;
  readonly logger: Logger;
}

export interface ObjectResult {
  readonly source: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly records: number;
  readonly matches: number;
  readonly alertsPublished: number;
  /** Matches not alerted again: already alerted in this object or by an earlier invocation. */
  readonly alertsDeduplicated?: number;
  /** Matches sent inside aggregated (storm) alerts. */
  readonly alertsAggregated?: number;
  readonly error?: { kind: string; message: string };
}

export interface InvocationResult {
  readonly objects: ObjectResult[];
  readonly ignored: string[];
}

/** One invocation failed for some objects; the message lists them. */
export class ObjectsFailedError extends Error {
  constructor(readonly failed: ObjectResult[]) {
    super(`${failed.length} object(s) failed: ${failed.map((f) => `${f.source} (${f.error?.kind}: ${f.error?.message})`).join('; ')}`);
    this.name = 'ObjectsFailedError';
  }
}

/** Reads the compiled rules; an unreadable or mismatched bundle stops the cold start with the path named. */
export function loadEngine(bundlePath?: string): RuleEngine {
  const here = dirname(fileURLToPath(import.meta.url));
  const path = bundlePath ? (isAbsolute(bundlePath) ? bundlePath : join(here, bundlePath)) : join(here, 'rules.bundle.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the rule bundle at ${path} (RULES_BUNDLE_PATH): ${(err as Error).message}`, { cause: err });
  }
  return new RuleEngine(parseBundle(text, path).rules);
}

async function processObject(ref: ObjectRef, deps: HandlerDeps): Promise<ObjectResult> {
  const source = s3Source(ref);
  const kind = classifyKey(ref.key);
  if (kind === 'digest' || kind === 'insight') {
    return { source, status: 'skipped', records: 0, matches: 0, alertsPublished: 0, error: { kind, message: `CloudTrail ${kind} file` } };
  }
  let bytes: AsyncIterable<Uint8Array>;
  try {
    bytes = await openS3Object(deps.s3, ref);
  } catch (err) {
    const e = err instanceof ObjectReadError ? err : new ObjectReadError(source, 'read-error', (err as Error).message, { cause: err });
    return { source, status: 'failed', records: 0, matches: 0, alertsPublished: 0, error: { kind: e.kind, message: e.message } };
  }
  const matches: Match[] = [];
  const outcome = await detectInSource(source, bytes, deps.engine, (m) => matches.push(m));
  const { readable, errors } = readableMatches(matches);
  const published = await publishMatches(readable, { sns: deps.sns, topicArn: deps.config.alertTopicArn, claims: deps.claims, stormThreshold: deps.config.stormThreshold });
  if (published.claimErrors.length > 0) deps.logger.warn('de-duplication table unavailable; alerts sent unchecked', { source, errors: published.claimErrors });
  const base = {
    source, records: outcome.records, matches: outcome.matches, alertsPublished: published.published,
    alertsDeduplicated: published.deduplicated, alertsAggregated: published.aggregated,
  };
  const readError = outcome.error ?? errors[0];
  if (readError) {
    return { ...base, status: 'failed', error: { kind: readError.kind, message: readError.message } };
  }
  if (published.failed.length > 0) {
    const f = published.failed[0]!;
    return { ...base, status: 'failed', error: { kind: 'publish-failed', message: `${published.failed.length} alert(s) not published: ${f.code}: ${f.message}` } };
  }
  return { ...base, status: outcome.status, ...(outcome.skipReason ? { error: { kind: 'skipped', message: outcome.skipReason } } : {}) };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Builds a handler over explicit dependencies (tests), or over the environment on first use (Lambda). */
export function createHandler(getDeps: () => HandlerDeps) {
  return async (event: unknown): Promise<InvocationResult> => {
    const deps = getDeps();
    const { objects, ignored } = objectsFromEvent(event);
    for (const reason of ignored) deps.logger.info('notification ignored', { reason });
    const results = await mapLimit(objects, deps.config.objectConcurrency, (ref) => processObject(ref, deps));
    for (const r of results) {
      if (r.status === 'failed') deps.logger.error('object failed', { ...r });
      else deps.logger.info(r.status === 'skipped' ? 'object skipped' : 'object processed', { ...r });
    }
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length > 0) throw new ObjectsFailedError(failed);
    return { objects: results, ignored };
  };
}

let deps: HandlerDeps | undefined;

/** Cold start: configuration and rules are read once; a misconfiguration fails every invocation, by name. */
function depsFromEnvironment(): HandlerDeps {
  if (!deps) {
    const config = readConfig();
    deps = {
      config,
      engine: loadEngine(config.rulesBundlePath),
      s3: new S3Client({}),
      sns: new SNSClient({}),
      claims: config.dedupTableName ? dynamoDbClaims(new DynamoDBClient({}), config.dedupTableName) : undefined,
      logger: new Logger({ serviceName: 'cloudtrail-sigma' }),
    };
  }
  return deps;
}

export const handler = createHandler(depsFromEnvironment);
