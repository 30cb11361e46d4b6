/** The options of `cloudtrail-sigma replay`, checked before any work starts (every mistake is exit 2). */
import type { ParseArgsConfig } from 'node:util';
import { availableParallelism } from 'node:os';
import type { Level } from '../../lambda/sigma/index.ts';
import type { Format } from '../render/formats.ts';
import { UsageError } from '../exitCodes.ts';
import type { RuleOptions } from '../detection.ts';

/** The flags replay adds to the command line (main.ts merges them into its own). */
export const REPLAY_FLAGS = {
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  accounts: { type: 'string' },
  regions: { type: 'string' },
  concurrency: { type: 'string' },
  publish: { type: 'boolean' },
  'topic-arn': { type: 'string' },
  'dedup-table': { type: 'string' },
  resume: { type: 'boolean' },
  checkpoint: { type: 'string' },
  remote: { type: 'boolean' },
  'state-machine': { type: 'string' },
} satisfies ParseArgsConfig['options'];

export type ReplayFlagValues = { [K in keyof typeof REPLAY_FLAGS]?: (typeof REPLAY_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

export interface ReplayOptions extends RuleOptions {
  readonly bucket: string;
  readonly prefix: string;
  /** First delivery day (key date), inclusive. @default - no lower bound */
  readonly since?: string;
  /** Last delivery day (key date), inclusive. @default - no upper bound */
  readonly until?: string;
  /** @default - every account */
  readonly accounts?: readonly string[];
  /** @default - every region */
  readonly regions?: readonly string[];
  /** Objects read at the same time, spread over one worker thread per core. @default os.availableParallelism() */
  readonly concurrency: number;
  /** @default 'table' */
  readonly format: Format;
  /** @default - stdout */
  readonly output?: string;
  /** Publish alerts to this topic instead of printing matches. @default - print */
  readonly topicArn?: string;
  /** The detector's DynamoDB de-duplication table, so alerts already sent are not sent again. @default - no table */
  readonly dedupTable?: string;
  /** Skip the objects the checkpoint says are finished. @default false */
  readonly resume: boolean;
  /** @default - a file named after the bucket, prefix and filters, in the current folder */
  readonly checkpoint?: string;
  /** Run on the deployed Step Functions backfill instead of this machine. @default - run here */
  readonly stateMachineArn?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:[\w-]{1,80}$/;
const TOPIC_ARN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/;

function day(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ok = DAY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!ok) throw new UsageError(`--${name} must be a day as YYYY-MM-DD (the delivery date in the object keys); got '${value}'`);
  return value;
}

function list(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${name} needs at least one value (comma-separated)`);
  return items;
}

/** Turns the parsed flags into options, or throws UsageError naming what is wrong and how to fix it. */
export function readReplayOptions(
  v: ReplayFlagValues & { rules?: string[]; 'min-level'?: string; output?: string; strict?: boolean; format?: string },
  rest: readonly string[],
  common: { format: Format; minLevel: Level },
): ReplayOptions {
  if (rest.length > 0) throw new UsageError(`replay takes no positional arguments (got '${rest.join(' ')}'); use --bucket and --prefix`);
  if (!v.bucket) throw new UsageError('replay needs --bucket NAME');
  if (v.prefix === undefined) throw new UsageError("replay needs --prefix PREFIX (e.g. AWSLogs/, or '' for the whole bucket)");
  if (v.publish && !v['topic-arn']) throw new UsageError('--publish needs --topic-arn ARN');
  if (v['topic-arn'] && !v.publish) throw new UsageError('--topic-arn is used with --publish');
  if (v['dedup-table'] && !v.publish) throw new UsageError('--dedup-table is used with --publish');
  if (v['topic-arn'] && !TOPIC_ARN.test(v['topic-arn'])) throw new UsageError(`--topic-arn is not an SNS topic ARN: '${v['topic-arn']}'`);
  if (v.publish && (v.output || v.format)) throw new UsageError('--output and --format print matches; with --publish they are published instead');
  const since = day('since', v.since);
  const until = day('until', v.until);
  if (since && until && since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
  let concurrency = availableParallelism();
  if (v.concurrency !== undefined) {
    concurrency = Number(v.concurrency);
    if (!/^\d+$/.test(v.concurrency) || concurrency < 1 || concurrency > 1024) throw new UsageError(`--concurrency must be a whole number from 1 to 1024; got '${v.concurrency}'`);
  }
  if (v['state-machine'] && !v.remote) throw new UsageError('--state-machine is used with --remote');
  if (v.remote) {
    if (!v['state-machine']) throw new UsageError('--remote needs --state-machine ARN (the BackfillStateMachineArn stack output)');
    if (!STATE_MACHINE_ARN.test(v['state-machine'])) throw new UsageError(`--state-machine is not a state machine ARN: '${v['state-machine']}'`);
    const local = (['since', 'until', 'accounts', 'regions', 'concurrency', 'publish', 'dedup-table', 'resume', 'checkpoint', 'rules', 'min-level', 'output', 'strict', 'format'] as const).filter((k) => v[k] !== undefined);
    if (local.length > 0) {
      throw new UsageError(`--remote replays the whole prefix with the deployed function, its rules and its topic; ${local.map((k) => `--${k}`).join(', ')} apply to local replays only (narrow --prefix instead)`);
    }
  }
  const accounts = list('accounts', v.accounts);
  const regions = list('regions', v.regions);
  return {
    bucket: v.bucket,
    prefix: v.prefix,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(accounts ? { accounts } : {}),
    ...(regions ? { regions } : {}),
    concurrency,
    rules: v.rules ?? [],
    minLevel: common.minLevel,
    strict: v.strict ?? false,
    format: common.format,
    ...(v.output ? { output: v.output } : {}),
    ...(v['topic-arn'] ? { topicArn: v['topic-arn'] } : {}),
    ...(v['dedup-table'] ? { dedupTable: v['dedup-table'] } : {}),
    resume: v.resume ?? false,
    ...(v.checkpoint ? { checkpoint: v.checkpoint } : {}),
    ...(v['state-machine'] ? { stateMachineArn: v['state-machine'] } : {}),
  };
}
