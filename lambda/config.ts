/** The Lambda's configuration, read once from the environment; a missing required variable is named. */

export interface HandlerConfig {
  /** SNS topic every alert is published to. */
  readonly alertTopicArn: string;
  /** DynamoDB table for exactly-once alerting. @default undefined - no cross-invocation de-duplication */
  readonly dedupTableName?: string;
  /** The compiled rules. @default rules.bundle.json beside the handler module */
  readonly rulesBundlePath?: string;
  /** Objects of one event processed at the same time. @default 4 */
  readonly objectConcurrency: number;
  /** More matches than this of one rule in one object are sent as one aggregated alert. @default 20 */
  readonly stormThreshold?: number;
}

/** A setting the detector cannot start with; the message names the variable or file and what to fix. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const alertTopicArn = env.ALERT_TOPIC_ARN?.trim();
  if (!alertTopicArn) throw new ConfigError('ALERT_TOPIC_ARN is not set: it must name the SNS topic alerts are published to');
  if (!/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/.test(alertTopicArn)) {
    throw new ConfigError(`ALERT_TOPIC_ARN is not an SNS topic ARN: '${alertTopicArn}' (expected arn:aws:sns:REGION:ACCOUNT:NAME)`);
  }
  const dedupTableName = env.DEDUP_TABLE_NAME?.trim() || undefined;
  if (dedupTableName !== undefined && !/^[\w.-]{3,255}$/.test(dedupTableName)) {
    throw new ConfigError(`DEDUP_TABLE_NAME is not a DynamoDB table name: '${dedupTableName}' (3-255 of A-Z a-z 0-9 _ . -); unset it to run without de-duplication`);
  }
  const concurrency = Number(env.OBJECT_CONCURRENCY?.trim() || 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`OBJECT_CONCURRENCY must be a positive integer, got '${env.OBJECT_CONCURRENCY}'`);
  const stormThreshold = Number(env.STORM_THRESHOLD?.trim() || 20);
  if (!Number.isInteger(stormThreshold) || stormThreshold < 1) throw new ConfigError(`STORM_THRESHOLD must be a positive integer, got '${env.STORM_THRESHOLD}'`);
  return {
    alertTopicArn,
    dedupTableName,
    rulesBundlePath: env.RULES_BUNDLE_PATH?.trim() || undefined,
    objectConcurrency: concurrency,
    stormThreshold,
  };
}
