/**
 * Walking a queue once: receive every message (long polling until the queue answers empty), hand each to `work`,
 * delete those it finished, and make the others visible again at the end, so the queue-depth alarm and the next
 * redrive see them at once instead of after the visibility timeout.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';

/** Long enough for one batch of ten messages, each redoing its objects, so no message comes back mid-run. */
const VISIBILITY_TIMEOUT_S = 900;
/** Long polling asks every SQS server, so an empty answer means the queue is empty (or all messages are in flight). */
const WAIT_TIME_S = 2;

export interface QueueWalk {
  readonly received: number;
  readonly deleted: number;
  readonly kept: number;
}

/** String message attributes, e.g. the ERROR_CODE and ERROR_MESSAGE EventBridge puts on events it could not deliver. */
export function messageAttributes(m: Message): Record<string, string> {
  return Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).flatMap(([k, v]) => (v.StringValue === undefined ? [] : [[k, v.StringValue]])));
}

/**
 * Hands every message to `work` once; `work` resolves true when the message may be deleted.
 * A message seen again in the same run (its visibility ran out) is not worked twice.
 */
export async function walkQueue(sqs: SQSClient, queueUrl: string, work: (message: Message) => Promise<boolean>): Promise<QueueWalk> {
  const seen = new Set<string>();
  const keep: string[] = [];
  let received = 0;
  let deleted = 0;
  for (;;) {
    const res = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: WAIT_TIME_S, VisibilityTimeout: VISIBILITY_TIMEOUT_S,
      MessageAttributeNames: ['All'],
    }));
    const fresh = (res.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) {
      seen.add(m.MessageId!);
      received++;
      if (await work(m)) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
        deleted++;
      } else {
        keep.push(m.ReceiptHandle!);
      }
    }
  }
  for (const handle of keep) {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
  }
  return { received, deleted, kept: keep.length };
}
