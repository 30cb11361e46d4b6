/** The typed options of the CloudTrailSigma construct. Every default is set in `defaults.ts`. */
import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Level } from '../lambda/sigma/index.ts';
import type { BackfillOptions } from './backfill.ts';

/** How the detector learns about new log files. */
export const TRIGGER_MODES = ['s3', 'eventbridge'] as const;
export type TriggerMode = (typeof TRIGGER_MODES)[number];

/** An email address that receives the alerts of `minLevel` and above, and every operational alarm. */
export interface EmailAlertSubscription {
  readonly address: string;
  /**
   * The lowest rule level mailed (a filter policy on the `severity` message attribute).
   * @default 'high' - high and critical alerts only
   */
  readonly minLevel?: Level;
}

/** A Slack channel reached through AWS Chatbot; the workspace must be authorised in the Chatbot console first. */
export interface SlackChannel {
  /** The Slack workspace id shown by the Chatbot console, e.g. `T0123ABCD`. */
  readonly workspaceId: string;
  /** The channel id, the last part of the channel's link, e.g. `C0123ABCDE`. */
  readonly channelId: string;
}

export interface CloudTrailSigmaProps {
  /**
   * The bucket the trail already delivers to. Our notification is merged into its existing configuration
   * (other consumers are kept, and kept again when this stack is removed).
   * @default - a new bucket (SSE-S3, TLS-only, versioned, public access blocked, retained on removal) that
   * CloudTrail in this account may write to
   */
  readonly existingTrailBucket?: s3.IBucket;
  /**
   * The key prefix the trail writes under; only objects below it are read (`s3:GetObject` is granted on it alone).
   * Include the trail's own S3 key prefix, e.g. `security/AWSLogs/`.
   * @default 'AWSLogs/'
   */
  readonly keyPrefix?: string;
  /**
   * The KMS key of an SSE-KMS trail. `kms:Decrypt` is granted on this key alone, through S3 only.
   * @default - the log files are not SSE-KMS encrypted: no KMS permission is granted
   */
  readonly trailKey?: kms.IKey;
  /**
   * How new log files reach the detector. Use 'eventbridge' when the bucket already has an S3 notification for
   * the same objects (S3 refuses overlapping notification rules): an EventBridge "Object Created" rule then invokes it.
   * @default 's3' - an S3 event notification on the prefix, suffix `.json.gz`
   */
  readonly trigger?: TriggerMode;
  /**
   * The topic alerts are published to. Give `sns.Topic.fromTopicAttributes({ topicArn, keyArn })` for an
   * SSE-KMS topic so the detector is allowed to use its key.
   * @default - a new standard topic, encrypted with a new customer-managed key, TLS-only
   */
  readonly existingAlertTopic?: sns.ITopic;
  /**
   * The topic the operational alarms (errors, throttles, failed objects) are sent to. It is separate from the
   * alert topic because alarm messages carry no `severity` attribute, which filtered subscriptions would drop.
   * @default - a new topic like the alert topic, subscribed by every alert email and the Slack channel
   */
  readonly existingOpsTopic?: sns.ITopic;
  /**
   * Email subscriptions of the alert topic, each with its lowest level; each address also gets the alarms.
   * Each address must confirm the subscription emails AWS sends.
   * @default - no email subscription
   */
  readonly alertEmails?: EmailAlertSubscription[];
  /**
   * A Slack channel, through an AWS Chatbot channel configuration subscribed to the alert and ops topics.
   * @default - no Slack channel
   */
  readonly slackChannel?: SlackChannel;
  /**
   * Folders of Sigma rules compiled into the function's bundle at synth. An invalid rule fails synth.
   * @default - the project's `rules/` folder
   */
  readonly ruleFolders?: string[];
  /**
   * A DynamoDB table (TTL) so each (rule, event) is alerted once across retries and duplicate notifications.
   * @default true
   */
  readonly deduplication?: boolean;
  /** @default 1024 - CPU grows with memory and the work is decompressing and parsing JSON */
  readonly memorySizeMB?: number;
  /** @default Duration.minutes(5) - a large organisation-trail file fits well inside it */
  readonly timeout?: Duration;
  /**
   * Concurrency reserved for the detector, which also caps it.
   * @default - none: the function uses the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retries of a failed asynchronous invocation before the event goes to the failure queue (0 to 2).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long an event may wait for a retry before it goes to the failure queue (1 minute to 6 hours).
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A Step Functions backfill that runs the detector over a prefix already in the bucket
   * (`cloudtrail-sigma replay --remote`); `{}` adds it with its defaults.
   * @default - no backfill state machine
   */
  readonly backfill?: BackfillOptions;
}
