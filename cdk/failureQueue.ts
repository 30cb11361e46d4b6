/** The queue holding what could not be processed, so no log file is lost. */
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FAILURE_QUEUE_RETENTION } from './defaults.ts';
import { acknowledge } from './nag.ts';

/**
 * Encrypted (SSE-SQS, so Lambda and EventBridge need no key grant), TLS-only, kept 14 days. It receives the
 * Lambda on-failure records and, in EventBridge mode, the events EventBridge could not deliver.
 */
export function createFailureQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'FailureQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: FAILURE_QUEUE_RETENTION,
  });
  acknowledge(
    queue,
    'SQS3',
    'This queue is itself the last stop of failed events (the Lambda on-failure destination); an alarm watches its ' +
      'depth and `cloudtrail-sigma redrive` reprocesses and deletes its messages.',
  );
  return queue;
}
