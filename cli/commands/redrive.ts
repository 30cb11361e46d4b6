/**
 * `cloudtrail-sigma redrive --queue URL`: reprocesses what the detector could not, from its failure queue, with the
 * detector's own object processing (read with retries → rules → publish), and deletes only the messages whose
 * objects all succeeded. What is left is named with the reason on stderr, and the exit status is 1.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3_CLIENT_TIMEOUTS } from '../../lambda/cloudtrail/s3Object.ts';
import { dynamoDbClaims } from '../../lambda/alerts/dedup.ts';
import type { ObjectResult, ProcessDeps } from '../../lambda/objectProcessor.ts';
import { EXIT, exitCodeFor } from '../exitCodes.ts';
import { Reporter } from '../output.ts';
import { prepareEngine } from '../detection.ts';
import type { RedriveOptions } from '../redrive/options.ts';
import { messageAttributes, walkQueue } from '../redrive/queue.ts';
import { redriveMessage } from '../redrive/redriveMessage.ts';
import type { MessageOutcome } from '../redrive/redriveMessage.ts';

/** The AWS clients redrive uses; by default from the SDK's standard configuration (profile, region, endpoints). */
export interface RedriveClients {
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
}

const defaultClients = (): RedriveClients => ({
  sqs: new SQSClient({}), s3: new S3Client(S3_CLIENT_TIMEOUTS), sns: new SNSClient({}), dynamodb: new DynamoDBClient({}),
});

function objectLine(r: ObjectResult): string {
  if (r.status === 'failed') {
    const e = r.error!;
    return `  failed ${r.source}: ${e.kind} (${e.transient ? 'transient: try again later' : 'permanent: fix the cause first'}): ${e.message}`;
  }
  if (r.status === 'skipped') return `  skipped ${r.source}: ${r.skipReason}`;
  return `  redone ${r.source}: ${r.records} records, ${r.matches} matches, ${r.alertsPublished} alerts published`;
}

function messageLines(id: string, o: MessageOutcome): string[] {
  const head = `${o.done ? 'deleted' : 'kept'} message ${id} (${o.what})`;
  if (o.unreadable) return [`${head}: ${o.unreadable}`];
  const notes = [
    ...(o.alreadyProcessed > 0 ? [`  ${o.alreadyProcessed} other object(s) of the event were processed the first time`] : []),
    ...o.ignored.map((i) => `  ignored ${i}`),
  ];
  return [head, ...notes, ...o.results.map(objectLine)];
}

/** Runs the redrive; resolves with the exit status. */
export async function redrive(opts: RedriveOptions, clients: RedriveClients = defaultClients(), reporter = new Reporter()): Promise<number> {
  const prepared = prepareEngine({ rules: opts.rules, minLevel: 'informational', strict: opts.strict }, reporter);
  if (!prepared) return EXIT.USAGE;
  const deps: ProcessDeps = {
    config: { alertTopicArn: opts.topicArn },
    engine: prepared.engine,
    s3: clients.s3,
    sns: clients.sns,
    ...(opts.dedupTable ? { claims: dynamoDbClaims(clients.dynamodb, opts.dedupTable) } : {}),
  };
  const totals = { ok: 0, skipped: 0, failed: 0, alerts: 0 };
  const walk = await walkQueue(clients.sqs, opts.queueUrl, async (m) => {
    const outcome = await redriveMessage(m.Body ?? '', messageAttributes(m), deps);
    for (const r of outcome.results) {
      totals[r.status]++;
      totals.alerts += r.alertsPublished;
    }
    reporter.summary(messageLines(m.MessageId ?? '?', outcome));
    return outcome.done;
  });
  reporter.summary([
    `messages: ${walk.received} read, ${walk.deleted} done and deleted, ${walk.kept} kept in the queue`,
    `objects: ${totals.ok} redone, ${totals.skipped} skipped, ${totals.failed} still failing; ${totals.alerts} alerts published`,
  ]);
  await reporter.close();
  return exitCodeFor({ failedInputs: walk.kept, ruleErrors: prepared.ruleErrors }, { strict: opts.strict });
}
