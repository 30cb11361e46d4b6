/** How a delivered log file reaches the detector: an S3 notification, or an EventBridge rule. */
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LOG_FILE_SUFFIX } from './defaults.ts';
import { acknowledge } from './nag.ts';
import type { TriggerMode } from './props.ts';

// The id CDK gives its bucket-notifications custom resource function (one per stack).
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface TriggerOptions {
  readonly bucket: s3.IBucket;
  readonly handler: lambda.IFunction;
  readonly keyPrefix: string;
  readonly mode: TriggerMode;
  /** Where EventBridge puts events it could not hand to the function. */
  readonly failureQueue: sqs.IQueue;
}

/** EventBridge wildcard text for a literal prefix: `*` and `\` are escaped. */
function wildcardLiteral(text: string): string {
  return text.replace(/[\\*]/g, (c) => `\\${c}`);
}

/**
 * Connects the bucket to the function. On an imported bucket CDK's custom resource merges our configuration into
 * the existing one (`Managed: false`), keeping other consumers' notifications, also when the stack is removed.
 */
export function connectTrigger(scope: Construct, { bucket, handler, keyPrefix, mode, failureQueue }: TriggerOptions): events.Rule | undefined {
  let rule: events.Rule | undefined;
  if (mode === 's3') {
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(handler), { prefix: keyPrefix, suffix: LOG_FILE_SUFFIX });
  } else {
    bucket.enableEventBridgeNotification();
    rule = new events.Rule(scope, 'ObjectCreatedRule', {
      description: 'New CloudTrail log files for cloudtrail-sigma',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucketName] },
          object: { key: events.Match.wildcard(`${wildcardLiteral(keyPrefix)}*${LOG_FILE_SUFFIX}`) },
        },
      },
      targets: [new targets.LambdaFunction(handler, { deadLetterQueue: failureQueue, maxEventAge: Duration.hours(24), retryAttempts: 185 })],
    });
  }
  const notificationsHandler = Stack.of(scope).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
  if (notificationsHandler) {
    acknowledge(
      notificationsHandler,
      'IAM4',
      "CDK's bucket-notifications custom resource logs through AWSLambdaBasicExecutionRole; its only other permissions are on the trail bucket.",
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
  }
  return rule;
}
