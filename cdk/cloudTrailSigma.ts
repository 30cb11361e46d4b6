/**
 * The CloudTrailSigma construct: every CloudTrail log file delivered to the bucket is run through the Sigma rules,
 * and matches are published to SNS.
 *
 *   trail bucket ──S3 notification / EventBridge──▶ Handler ──▶ AlertTopic ──▶ email (by level), Slack
 *                                                      └─ failed after retries ──▶ FailureQueue
 *   alarms (errors, throttles, failed objects) ──▶ OpsTopic ──▶ email, Slack
 */
import type * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarms } from './alarms.ts';
import { Backfill, type BackfillOptions } from './backfill.ts';
import { createDedupTable } from './dedupTable.ts';
import { withDefaults } from './defaults.ts';
import { createDetectorFunction } from './detectorFunction.ts';
import { createFailureQueue } from './failureQueue.ts';
import { grantDetector } from './grants.ts';
import type { CloudTrailSigmaProps } from './props.ts';
import { connectSlack, createTopics, subscribeEmails } from './topics.ts';
import { createTrailBucket } from './trailBucket.ts';
import { connectTrigger } from './trigger.ts';
import { CloudTrailSigmaPropsError, validateProps } from './validateProps.ts';

export class CloudTrailSigma extends Construct {
  /** The detector function. */
  readonly handler: NodejsFunction;
  /** The bucket read, created or imported. */
  readonly trailBucket: s3.IBucket;
  /** Where alerts are published. */
  readonly alertTopic: sns.ITopic;
  /** Where the alarms are sent. */
  readonly opsTopic: sns.ITopic;
  /** The key of the topics, when this construct created one. */
  readonly topicKey?: kms.IKey;
  /** Events that failed after the retries: Lambda on-failure records (and EventBridge dead letters). */
  readonly failureQueue: sqs.IQueue;
  /** The de-duplication table, unless `deduplication` is false. */
  readonly dedupTable?: dynamodb.ITable;
  /** The EventBridge rule, in 'eventbridge' trigger mode. */
  readonly objectCreatedRule?: events.Rule;
  readonly slackChannel?: chatbot.SlackChannelConfiguration;
  readonly alarms: readonly cloudwatch.Alarm[];
  private readonly keyPrefix: string;
  private backfillPart?: Backfill;

  /** @throws CloudTrailSigmaPropsError with every invalid prop; InvalidRulesError when a rule does not compile. */
  constructor(scope: Construct, id: string, props: CloudTrailSigmaProps = {}) {
    super(scope, id);
    const problems = validateProps(props);
    if (problems.length > 0) throw new CloudTrailSigmaPropsError(problems);
    const p = withDefaults(props);

    this.trailBucket = p.existingTrailBucket ?? createTrailBucket(this, p.keyPrefix);
    this.failureQueue = createFailureQueue(this);
    const topics = createTopics(this, p.existingAlertTopic, p.existingOpsTopic);
    this.alertTopic = topics.alertTopic;
    this.opsTopic = topics.opsTopic;
    this.topicKey = topics.topicKey;
    this.dedupTable = p.deduplication ? createDedupTable(this) : undefined;

    this.handler = createDetectorFunction(this, {
      props: p,
      failureQueue: this.failureQueue,
      environment: {
        ALERT_TOPIC_ARN: this.alertTopic.topicArn,
        ...(this.dedupTable ? { DEDUP_TABLE_NAME: this.dedupTable.tableName } : {}),
      },
    });
    grantDetector(this.handler, {
      bucket: this.trailBucket,
      keyPrefix: p.keyPrefix,
      trailKey: p.trailKey,
      alertTopic: this.alertTopic,
      dedupTable: this.dedupTable,
    });
    this.objectCreatedRule = connectTrigger(this, {
      bucket: this.trailBucket,
      handler: this.handler,
      keyPrefix: p.keyPrefix,
      mode: p.trigger,
      failureQueue: this.failureQueue,
    });

    subscribeEmails(topics, p.alertEmails);
    this.slackChannel = p.slackChannel ? connectSlack(this, topics, p.slackChannel) : undefined;
    this.alarms = createAlarms(this, { handler: this.handler, failureQueue: this.failureQueue, opsTopic: this.opsTopic });
    this.keyPrefix = p.keyPrefix;
    if (p.backfill) this.addBackfill(p.backfill);
  }

  /** The Step Functions backfill, when the `backfill` prop was set or addBackfill() called. */
  get backfill(): Backfill | undefined {
    return this.backfillPart;
  }

  /** Adds the Step Functions backfill over the trail bucket, invoking this detector; once. */
  addBackfill(options: BackfillOptions = {}): Backfill {
    if (this.backfillPart) throw new Error('CloudTrailSigma: the backfill is already added');
    this.backfillPart = new Backfill(this, 'Backfill', { bucket: this.trailBucket, keyPrefix: this.keyPrefix, handler: this.handler, options });
    return this.backfillPart;
  }
}
