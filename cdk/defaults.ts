/** The defaults of CloudTrailSigmaProps in one place, and the fixed settings the construct always applies. */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { fileURLToPath } from 'node:url';
import type { Level } from '../lambda/sigma/index.ts';
import type { CloudTrailSigmaProps } from './props.ts';

/** CloudTrail writes gzip JSON; digests also end so and are skipped by the handler. */
export const LOG_FILE_SUFFIX = '.json.gz';

/** Named explicitly: CDK's NODEJS_LATEST may lag, and cdk-nag flags older runtimes (AwsSolutions-L1). */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';
/**
 * glibc gives each thread that allocates its own malloc arena; Node's helper threads (zlib inflate, GC) then keep
 * freed memory in several arenas. Two arenas keep peak RSS near the live data (measured by `npm run bench`).
 */
export const LAMBDA_ALLOCATOR_ENV = { MALLOC_ARENA_MAX: '2' } as const;
/**
 * ESM output keeps bundled CommonJS dependencies' `require('node:…')` calls; esbuild's shim needs a real
 * `require` in scope for them, which createRequire provides.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __ctsCreateRequire } from 'node:module'; const require = __ctsCreateRequire(import.meta.url);";
export const ARCHITECTURE = lambda.Architecture.ARM_64;

export const HANDLER_ENTRY = fileURLToPath(new URL('../lambda/handler.ts', import.meta.url));
export const DEFAULT_RULES_FOLDER = fileURLToPath(new URL('../rules/', import.meta.url));
/** The handler reads this file next to itself unless RULES_BUNDLE_PATH says otherwise. */
export const RULES_BUNDLE_FILE = 'rules.bundle.json';

/** Powertools settings; the metric alarms use the same namespace. */
export const SERVICE_NAME = 'cloudtrail-sigma';
export const METRICS_NAMESPACE = 'CloudTrailSigma';

/**
 * PutItem claims an alert (conditional) and records it as sent; DeleteItem releases the claim when its publish
 * fails, so a retry alerts.
 */
export const DEDUP_TABLE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:DeleteItem'];

/** Failed objects wait here for `cloudtrail-sigma redrive`: the longest SQS allows. */
export const FAILURE_QUEUE_RETENTION = Duration.days(14);

export const DEFAULT_EMAIL_MIN_LEVEL: Level = 'high';

/** Props with every default applied; the resources passed in stay optional. */
export type ResolvedProps = CloudTrailSigmaProps &
  Required<
    Pick<
      CloudTrailSigmaProps,
      | 'keyPrefix'
      | 'trigger'
      | 'alertEmails'
      | 'ruleFolders'
      | 'deduplication'
      | 'memorySizeMB'
      | 'timeout'
      | 'retryAttempts'
      | 'maxEventAge'
      | 'logRetention'
    >
  >;

/** Lays the user's props over the defaults. */
export function withDefaults(props: CloudTrailSigmaProps): ResolvedProps {
  return {
    ...props,
    keyPrefix: props.keyPrefix ?? 'AWSLogs/',
    trigger: props.trigger ?? 's3',
    alertEmails: props.alertEmails ?? [],
    ruleFolders: props.ruleFolders ?? [DEFAULT_RULES_FOLDER],
    deduplication: props.deduplication ?? true,
    memorySizeMB: props.memorySizeMB ?? 1024,
    timeout: props.timeout ?? Duration.minutes(5),
    retryAttempts: props.retryAttempts ?? 2,
    maxEventAge: props.maxEventAge ?? Duration.hours(6),
    logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
  };
}
