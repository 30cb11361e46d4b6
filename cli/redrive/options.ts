/** The options of `cloudtrail-sigma redrive`, checked before any message is read (every mistake is exit 2). */
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../exitCodes.ts';

/** The flag redrive adds to the command line; --topic-arn, --dedup-table, --rules and --strict are shared. */
export const REDRIVE_FLAGS = {
  queue: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export interface RedriveOptions {
  /** The failure queue's URL (the FailureQueue of the stack). */
  readonly queueUrl: string;
  /** Where alerts are published. @default - the ALERT_TOPIC_ARN environment variable */
  readonly topicArn: string;
  /** The detector's DynamoDB de-duplication table, so alerts sent before the failure are not sent again. @default - none */
  readonly dedupTable?: string;
  /** @default [] - the bundled rules */
  readonly rules: readonly string[];
  /** Stop with exit 2 when a rule does not compile. @default false */
  readonly strict: boolean;
}

const TOPIC_ARN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/;
const QUEUE_URL = /^https?:\/\/[^\s/]+\/(\d{12}\/)?[\w-]{1,80}$/;
const TABLE_NAME = /^[\w.-]{3,255}$/;
/** Flags of other commands that mean nothing here: redrive publishes like the detector, with every rule. */
const FOREIGN = ['min-level', 'format', 'output', 'out', 'bucket', 'prefix', 'since', 'until', 'accounts', 'regions', 'concurrency', 'publish', 'resume', 'checkpoint', 'remote', 'state-machine'] as const;

type Values = { queue?: string; 'topic-arn'?: string; 'dedup-table'?: string; rules?: string[]; strict?: boolean } & { [K in (typeof FOREIGN)[number]]?: unknown };

/** Turns the parsed flags into options, or throws UsageError naming what is wrong and how to fix it. */
export function readRedriveOptions(v: Values, rest: readonly string[], env: NodeJS.ProcessEnv = process.env): RedriveOptions {
  if (rest.length > 0) throw new UsageError(`redrive takes no positional arguments (got '${rest.join(' ')}'); use --queue URL`);
  const foreign = FOREIGN.filter((k) => v[k] !== undefined);
  if (foreign.length > 0) throw new UsageError(`redrive does not take ${foreign.map((k) => `--${k}`).join(', ')}: it re-runs the detector's pipeline and publishes as the detector does`);
  if (!v.queue) throw new UsageError('redrive needs --queue URL (the failure queue: the FailureQueueUrl stack output)');
  if (!QUEUE_URL.test(v.queue)) throw new UsageError(`--queue is not an SQS queue URL: '${v.queue}' (expected https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)`);
  const topicArn = v['topic-arn'] ?? env.ALERT_TOPIC_ARN?.trim();
  if (!topicArn) throw new UsageError('redrive needs --topic-arn ARN (the alert topic), or ALERT_TOPIC_ARN in the environment');
  if (!TOPIC_ARN.test(topicArn)) throw new UsageError(`--topic-arn is not an SNS topic ARN: '${topicArn}'`);
  const dedupTable = v['dedup-table'];
  if (dedupTable !== undefined && !TABLE_NAME.test(dedupTable)) throw new UsageError(`--dedup-table is not a DynamoDB table name: '${dedupTable}'`);
  return {
    queueUrl: v.queue,
    topicArn,
    ...(dedupTable ? { dedupTable } : {}),
    rules: v.rules ?? [],
    strict: v.strict ?? false,
  };
}
