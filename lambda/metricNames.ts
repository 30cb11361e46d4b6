/**
 * The detector's CloudWatch metrics (EMF, through Powertools): one list shared by the handler that emits them and
 * the CDK alarms that watch them, so a renamed metric cannot leave an alarm watching nothing.
 */

/** Used when POWERTOOLS_METRICS_NAMESPACE is not set; the CDK construct sets the same value. */
export const DEFAULT_METRICS_NAMESPACE = 'CloudTrailSigma';

/** Dimension naming the function, so two deployments in one account keep their metrics (and alarms) apart. */
export const FUNCTION_DIMENSION = 'FunctionName';

export const METRIC = {
  /** Objects read to the end (ok or skipped as digest/Insight). */
  objectsProcessed: 'ObjectsProcessed',
  /** Objects that failed: the invocation fails, is retried and ends in the failure queue. */
  objectsFailed: 'ObjectsFailed',
  recordsProcessed: 'RecordsProcessed',
  matches: 'Matches',
  /** Bytes read from S3 (compressed size). */
  bytesProcessed: 'BytesProcessed',
  alertsPublished: 'AlertsPublished',
  /** Matches not alerted again: already alerted within the object or by an earlier invocation. */
  alertsDeduplicated: 'AlertsDeduplicated',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
