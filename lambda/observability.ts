/**
 * What the detector tells its operators, through Powertools for AWS Lambda: one structured JSON log line per
 * object (key, records, matches, bytes, duration, error) and the invocation's totals as CloudWatch metrics in EMF.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, FUNCTION_DIMENSION, METRIC } from './metricNames.ts';
import type { MetricName } from './metricNames.ts';
import type { ObjectResult } from './objectProcessor.ts';

/** Used when POWERTOOLS_SERVICE_NAME is not set; the CDK construct sets the same value. */
export const DEFAULT_SERVICE_NAME = 'cloudtrail-sigma';

/** The parts of a Powertools Logger the handler uses (tests pass a recorder). */
export interface LogSink {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** The parts of a Powertools Metrics the handler uses (tests pass a recorder). */
export interface MetricSink {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  publishStoredMetrics(): unknown;
}

export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME });
}

/** Metrics in the configured namespace, with the function's name as a dimension when running in Lambda. */
export function createMetrics(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Metrics {
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    ...(logger ? { logger } : {}),
  });
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
  if (functionName) metrics.setDefaultDimensions({ [FUNCTION_DIMENSION]: functionName });
  return metrics;
}

/** The invocation's totals, one value per metric. */
export function invocationTotals(results: readonly ObjectResult[]): Record<MetricName, number> {
  const sum = (pick: (r: ObjectResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  return {
    [METRIC.objectsProcessed]: results.filter((r) => r.status !== 'failed').length,
    [METRIC.objectsFailed]: results.filter((r) => r.status === 'failed').length,
    [METRIC.recordsProcessed]: sum((r) => r.records),
    [METRIC.matches]: sum((r) => r.matches),
    [METRIC.bytesProcessed]: sum((r) => r.bytes),
    [METRIC.alertsPublished]: sum((r) => r.alertsPublished),
    [METRIC.alertsDeduplicated]: sum((r) => r.alertsDeduplicated),
  } as Record<MetricName, number>;
}

/** Emits every metric, zeros too, so dashboards show a quiet detector as quiet rather than as missing. */
export function publishInvocationMetrics(metrics: MetricSink, results: readonly ObjectResult[]): void {
  for (const [name, value] of Object.entries(invocationTotals(results))) {
    metrics.addMetric(name, name === METRIC.bytesProcessed ? MetricUnit.Bytes : MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
}

/** The keys of an object's log line. */
export function objectLogFields(r: ObjectResult): Record<string, unknown> {
  return {
    object: r.source,
    bucket: r.bucket,
    key: r.key,
    status: r.status,
    records: r.records,
    matches: r.matches,
    bytes: r.bytes,
    durationMs: r.durationMs,
    attempts: r.attempts,
    alertsPublished: r.alertsPublished,
    alertsDeduplicated: r.alertsDeduplicated,
    alertsAggregated: r.alertsAggregated,
    ...(r.error ? { error: r.error } : {}),
    ...(r.skipReason ? { skipReason: r.skipReason } : {}),
  };
}

/** One line per object: error level for a failure (it names the object and why), info otherwise. */
export function logObject(logger: LogSink, r: ObjectResult): void {
  const fields = objectLogFields(r);
  if (r.status === 'failed') logger.error('object failed', fields);
  else logger.info(r.status === 'skipped' ? 'object skipped' : 'object processed', fields);
  for (const warning of r.warnings ?? []) logger.warn(warning, { object: r.source });
}

