/** Where alerts and alarms go: the topics, their key, the email subscriptions and the Slack channel. */
import { Aws, Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { LEVELS, type Level } from '../lambda/sigma/index.ts';
import { DEFAULT_EMAIL_MIN_LEVEL } from './defaults.ts';
import type { EmailAlertSubscription, SlackChannel } from './props.ts';

export interface Topics {
  readonly alertTopic: sns.ITopic;
  readonly opsTopic: sns.ITopic;
  /** The customer-managed key of the topics this construct created. */
  readonly topicKey?: kms.Key;
}

/** The levels from `minLevel` up, as the `severity` values a subscription accepts. */
export function levelsFrom(minLevel: Level): Level[] {
  return LEVELS.slice(LEVELS.indexOf(minLevel));
}

/**
 * The key is customer-managed because CloudWatch cannot publish alarms to a topic under the AWS-managed SNS key;
 * the key policy lets CloudWatch use it for that alone.
 */
function createTopicKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the cloudtrail-sigma alert and ops topics',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // The topic policies decide who may publish; the key only has to follow them.
      resources: ['*'],
    }),
  );
  return key;
}

function createTopic(scope: Construct, id: string, displayName: string, masterKey: kms.IKey): sns.Topic {
  return new sns.Topic(scope, id, { displayName, masterKey, enforceSSL: true });
}

/** Uses the given topics, and creates the missing ones (with one key between them). */
export function createTopics(scope: Construct, existingAlertTopic?: sns.ITopic, existingOpsTopic?: sns.ITopic): Topics {
  let topicKey: kms.Key | undefined;
  const key = () => (topicKey ??= createTopicKey(scope));
  const alertTopic = existingAlertTopic ?? createTopic(scope, 'AlertTopic', 'CloudTrail Sigma alerts', key());
  const opsTopic = existingOpsTopic ?? createTopic(scope, 'OpsTopic', 'CloudTrail Sigma operations', key());
  opsTopic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [opsTopic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
  return { alertTopic, opsTopic, topicKey };
}

/**
 * Each address gets the alerts of its level and up (by the `severity` message attribute) and every alarm.
 * Subscriptions are keyed by address, so removing one address leaves the others' confirmed subscriptions alone.
 */
export function subscribeEmails(topics: Topics, emails: readonly EmailAlertSubscription[]): void {
  for (const email of emails) {
    const severity = sns.SubscriptionFilter.stringFilter({ allowlist: levelsFrom(email.minLevel ?? DEFAULT_EMAIL_MIN_LEVEL) });
    topics.alertTopic.addSubscription(new subs.EmailSubscription(email.address, { filterPolicy: { severity } }));
    topics.opsTopic.addSubscription(new subs.EmailSubscription(email.address));
  }
}

/**
 * A Chatbot channel configuration subscribed to both topics. Members can run no AWS command from Slack: the
 * channel role has no permission and the guardrail denies everything.
 */
export function connectSlack(scope: Construct, topics: Topics, slack: SlackChannel): chatbot.SlackChannelConfiguration {
  const id = 'SlackChannel';
  return new chatbot.SlackChannelConfiguration(scope, id, {
    slackChannelConfigurationName: Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' }) + `-${id}`,
    slackWorkspaceId: slack.workspaceId,
    slackChannelId: slack.channelId,
    notificationTopics: [topics.alertTopic, topics.opsTopic],
    guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
    loggingLevel: chatbot.LoggingLevel.ERROR,
  });
}
