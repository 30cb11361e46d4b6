/**
 * The Lambda: S3 "ObjectCreated" notifications (direct, or through SQS, SNS or EventBridge) → each CloudTrail
 * object streamed and gunzipped → every record against the compiled rules → SNS alerts (objectProcessor.ts).
 * One object failing does not stop the others. The invocation fails when any object failed, with an error naming
 * each (bucket, key, kind): Lambda retries the event, then sends it with that error to the failure queue, where
 * `cloudtrail-sigma redrive` picks it up. Every object gets a structured log line; totals go out as EMF metrics.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigError, readConfig } from './config.ts';
import type { HandlerConfig } from './config.ts';
import { objectsFromEvent } from './cloudtrail/notifications.ts';
import { S3_CLIENT_TIMEOUTS } from './cloudtrail/s3Object.ts';
import { parseBundle, RuleEngine } from './sigma/runtime.ts';
import { dynamoDbClaims } from './alerts/dedup.ts';
import { processObject } from './objectProcessor.ts';
import { mapLimit } from './mapLimit.ts';
import type { ObjectResult, ProcessDeps } from './objectProcessor.ts';
import { ObjectsFailedError } from './failures.ts';
import { createLogger, createMetrics, logObject, publishInvocationMetrics } from './observability.ts';
import type { LogSink, MetricSink } from './observability.ts';

export { ObjectsFailedError } from './failures.ts';
export type { ObjectResult } from './objectProcessor.ts';

export interface HandlerDeps extends ProcessDeps {
  readonly config: HandlerConfig;
  readonly logger: LogSink & Partial<{ addContext(context: Context): void }>;
  /** @default undefined - no metrics (tests); the Lambda always has them */
  readonly metrics?: MetricSink;
}

export interface InvocationResult {
  readonly objects: ObjectResult[];
  readonly ignored: string[];
}

/** The rules file beside the bundled handler unless RULES_BUNDLE_PATH names another (relative to the handler). */
function bundlePathFor(bundlePath: string | undefined): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!bundlePath) return join(here, 'rules.bundle.json');
  return isAbsolute(bundlePath) ? bundlePath : join(here, bundlePath);
}

/**
 * Reads the compiled rules. An unreadable, malformed, mismatched or empty bundle is a ConfigError naming the path
 * and the fix: a detector with no rules would run green and never alert.
 */
export function loadEngine(bundlePath?: string): RuleEngine {
  const path = bundlePathFor(bundlePath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(`cannot read the rule bundle at ${path} (RULES_BUNDLE_PATH${bundlePath ? `='${bundlePath}'` : ' not set: the default file beside the handler'}): ${why}`, { cause: err });
  }
  let rules;
  try {
    rules = parseBundle(text, `the rule bundle at ${path}`).rules;
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}`, { cause: err });
  }
  if (rules.length === 0) throw new ConfigError(`the rule bundle at ${path} holds no rules: build it from a rules folder with at least one supported rule`);
  try {
    return new RuleEngine(rules);
  } catch (err) {
    throw new ConfigError(`the rule bundle at ${path} cannot be loaded: ${(err as Error).message}: rebuild it with this version`, { cause: err });
  }
}

/** Builds a handler over explicit dependencies (tests), or over the environment on first use (Lambda). */
export function createHandler(getDeps: () => HandlerDeps) {
  return async (event: unknown, context?: Context): Promise<InvocationResult> => {
    const shared = getDeps();
    if (context) shared.logger.addContext?.(context);
    const deps = context ? { ...shared, deadline: Date.now() + context.getRemainingTimeInMillis() } : shared;
    let found: ReturnType<typeof objectsFromEvent>;
    try {
      found = objectsFromEvent(event);
    } catch (err) {
      deps.logger.error('event not understood: no object read', { error: { name: (err as Error).name, message: (err as Error).message } });
      throw err;
    }
    const { objects, ignored } = found;
    for (const reason of ignored) deps.logger.info('notification ignored', { reason });
    let results: ObjectResult[] = [];
    try {
      results = await mapLimit(objects, deps.config.objectConcurrency, (ref) => processObject(ref, deps));
    } finally {
      if (deps.metrics) publishInvocationMetrics(deps.metrics, results);
    }
    for (const r of results) logObject(deps.logger, r);
    if (results.some((r) => r.status === 'failed')) throw new ObjectsFailedError(results);
    return { objects: results, ignored };
  };
}

let deps: HandlerDeps | undefined;

/**
 * Cold start: configuration and rules are read once. A misconfiguration is logged as such and fails every
 * invocation with a message naming the variable or file and the fix (so it also reaches the failure queue).
 */
function depsFromEnvironment(): HandlerDeps {
  if (deps) return deps;
  const logger = createLogger();
  let config: HandlerConfig;
  let engine: RuleEngine;
  try {
    config = readConfig();
    engine = loadEngine(config.rulesBundlePath);
  } catch (err) {
    logger.error('configuration error: the detector cannot start', { error: { name: (err as Error).name, message: (err as Error).message } });
    throw err;
  }
  deps = {
    config,
    engine,
    s3: new S3Client(S3_CLIENT_TIMEOUTS),
    sns: new SNSClient({}),
    claims: config.dedupTableName ? dynamoDbClaims(new DynamoDBClient({}), config.dedupTableName) : undefined,
    logger,
    metrics: createMetrics(process.env, logger),
  };
  return deps;
}

export const handler = createHandler(depsFromEnvironment);
