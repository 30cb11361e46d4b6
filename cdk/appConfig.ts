/** Reads the app's context values (`cdk deploy -c bucketName=… -c alertEmail=…`) into a typed configuration. */
import * as logs from 'aws-cdk-lib/aws-logs';
import { LEVELS, type Level } from '../lambda/sigma/index.ts';
import { TRIGGER_MODES, type EmailAlertSubscription, type SlackChannel, type TriggerMode } from './props.ts';

/** Every context key the app reads, with what it does; the README lists the same. */
export const CONTEXT_KEYS = {
  stackName: 'stack name (default CloudTrailSigma)',
  bucketName: 'existing trail bucket, by name or ARN (default: a new bucket)',
  keyPrefix: "key prefix the trail writes under (default AWSLogs/)",
  kmsKeyArn: 'KMS key ARN of an SSE-KMS trail',
  trigger: `${TRIGGER_MODES.join(' | ')} (default s3)`,
  alertTopicArn: 'existing alert topic ARN (default: a new encrypted topic)',
  alertTopicKmsKeyArn: 'KMS key ARN of that existing topic, when it is encrypted',
  alertEmail: 'comma-separated addresses, each optionally :level, e.g. a@example.com:high,b@example.com:medium',
  slackWorkspaceId: 'Chatbot Slack workspace id (with slackChannelId)',
  slackChannelId: 'Slack channel id (with slackWorkspaceId)',
  ruleFolders: 'comma-separated rule folders (default rules/)',
  deduplication: 'true | false (default true)',
  memorySizeMB: 'function memory (default 1024)',
  timeoutSeconds: 'function timeout (default 300)',
  reservedConcurrency: 'reserved concurrency (default none)',
  logRetentionDays: 'function log retention, a CloudWatch Logs value such as 30, 90, 365 (default 90)',
  backfill: 'true | false: add the Step Functions backfill that `replay --remote` starts (default false)',
} as const;
export type ContextKey = keyof typeof CONTEXT_KEYS;

/** The app's configuration: plain values, turned into constructs by the stack. */
export interface AppConfig {
  readonly stackName: string;
  readonly bucketName?: string;
  readonly keyPrefix?: string;
  readonly kmsKeyArn?: string;
  readonly trigger?: TriggerMode;
  readonly alertTopicArn?: string;
  readonly alertTopicKmsKeyArn?: string;
  readonly alertEmails: EmailAlertSubscription[];
  readonly slackChannel?: SlackChannel;
  readonly ruleFolders?: string[];
  readonly deduplication?: boolean;
  readonly memorySizeMB?: number;
  readonly timeoutSeconds?: number;
  readonly reservedConcurrency?: number;
  readonly logRetention?: logs.RetentionDays;
}

/** Thrown with every context problem at once. */
export class AppConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid context values:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'AppConfigError';
    this.problems = problems;
  }
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const RETENTION_DAYS = new Set(Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'));

/** Reads context values; `-c` gives strings, cdk.json may give numbers, booleans or arrays. */
export function readAppConfig(get: (key: ContextKey) => unknown): AppConfig {
  const problems: string[] = [];
  const text = (key: ContextKey): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return v.join(',');
    problems.push(`${key} must be a string; got ${JSON.stringify(v)}.`);
    return undefined;
  };
  const list = (key: ContextKey): string[] | undefined =>
    text(key)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const int = (key: ContextKey): number | undefined => {
    const v = text(key);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) problems.push(`${key} must be a whole number; got ${JSON.stringify(v)}.`);
    return Number(v);
  };
  const arn = (key: ContextKey, pattern: RegExp, example: string): string | undefined => {
    const v = text(key);
    if (v !== undefined && !pattern.test(v)) problems.push(`${key} must be an ARN like ${example}; got ${JSON.stringify(v)}.`);
    return v;
  };

  // Read in CONTEXT_KEYS order, so problems are reported in that order too.
  const stackName = text('stackName') ?? 'CloudTrailSigma';
  const bucketName = text('bucketName');
  const keyPrefix = text('keyPrefix');
  const kmsKeyArn = arn('kmsKeyArn', KMS_KEY_ARN, 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');

  const trigger = text('trigger');
  if (trigger !== undefined && !(TRIGGER_MODES as readonly string[]).includes(trigger)) {
    problems.push(`trigger must be one of ${TRIGGER_MODES.join(', ')}; got ${JSON.stringify(trigger)}.`);
  }

  const alertTopicArn = arn('alertTopicArn', TOPIC_ARN, 'arn:aws:sns:eu-west-1:111122223333:alerts');
  const alertTopicKmsKeyArn = arn('alertTopicKmsKeyArn', KMS_KEY_ARN, 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…');
  if (alertTopicKmsKeyArn && !alertTopicArn) problems.push('alertTopicKmsKeyArn needs alertTopicArn: it is the key of that topic.');

  const alertEmails = (list('alertEmail') ?? []).map((item): EmailAlertSubscription => {
    const m = /^(.+):([A-Za-z]+)$/.exec(item);
    if (!m) return { address: item };
    const level = m[2]!.toLowerCase();
    if (!(LEVELS as readonly string[]).includes(level)) {
      problems.push(`alertEmail ${JSON.stringify(item)}: the level must be one of ${LEVELS.join(', ')}.`);
    }
    return { address: m[1]!, minLevel: level as Level };
  });

  const slackWorkspaceId = text('slackWorkspaceId');
  const slackChannelId = text('slackChannelId');
  if ((slackWorkspaceId === undefined) !== (slackChannelId === undefined)) {
    problems.push('slackWorkspaceId and slackChannelId go together: give both, or neither.');
  }

  const ruleFolders = list('ruleFolders');
  const deduplication = text('deduplication');
  if (deduplication !== undefined && !['true', 'false'].includes(deduplication)) {
    problems.push(`deduplication must be true or false; got ${JSON.stringify(deduplication)}.`);
  }

  const memorySizeMB = int('memorySizeMB');
  const timeoutSeconds = int('timeoutSeconds');
  const reservedConcurrency = int('reservedConcurrency');
  const logRetentionDays = int('logRetentionDays');
  if (logRetentionDays !== undefined && !RETENTION_DAYS.has(logRetentionDays)) {
    problems.push(`logRetentionDays must be one of ${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')}; got ${logRetentionDays}.`);
  }
  if (problems.length > 0) throw new AppConfigError(problems);

  return {
    stackName,
    bucketName,
    keyPrefix,
    kmsKeyArn,
    trigger: trigger as TriggerMode | undefined,
    alertTopicArn,
    alertTopicKmsKeyArn,
    alertEmails,
    slackChannel: slackWorkspaceId && slackChannelId ? { workspaceId: slackWorkspaceId, channelId: slackChannelId } : undefined,
    ruleFolders,
    deduplication: deduplication === undefined ? undefined : deduplication === 'true',
    memorySizeMB,
    timeoutSeconds,
    reservedConcurrency,
    logRetention: logRetentionDays as logs.RetentionDays | undefined,
  };
}
