/**
 * `replay --remote`: starts the deployed backfill state machine (cdk/backfill.ts) on a prefix and follows its Map
 * Run until the execution ends. The state machine lists and reads the objects; this only watches.
 */
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DescribeMapRunCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../exitCodes.ts';
import type { Reporter } from '../output.ts';
import { duration } from './progress.ts';

export interface RemoteReplayOptions {
  readonly stateMachineArn: string;
  readonly bucket: string;
  readonly prefix: string;
  /** @default 5000 */
  readonly pollMs?: number;
}

type ItemCounts = NonNullable<DescribeMapRunCommandOutput['itemCounts']>;

function countsLine(c: ItemCounts | undefined, status: string, elapsedSeconds: number): string {
  const time = duration(elapsedSeconds);
  if (!c) return `backfill: ${status}, ${status === 'RUNNING' ? 'listing the prefix…' : 'no Map Run was started'} (${time})`;
  const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
  const failed = (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
  return `backfill: ${status}, ${done}/${c.total ?? 0} objects (${c.running ?? 0} running, ${c.succeeded ?? 0} succeeded, ${failed} failed) (${time})`;
}

/** Starts an execution and follows it; exit 0 when every object succeeded, 1 otherwise. */
export async function replayRemote(sfn: SFNClient, opts: RemoteReplayOptions, reporter: Reporter, stop: { requested: boolean }): Promise<number> {
  const started = Date.now();
  const { executionArn } = await sfn.send(new StartExecutionCommand({
    stateMachineArn: opts.stateMachineArn,
    input: JSON.stringify({ bucket: opts.bucket, prefix: opts.prefix }),
  }));
  reporter.warn(`started ${executionArn}`);
  let mapRunArn: string | undefined;
  let counts: ItemCounts | undefined;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    mapRunArn ??= (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
    if (mapRunArn) counts = (await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
    const status = execution.status ?? 'UNKNOWN';
    const elapsed = (Date.now() - started) / 1000;
    if (status !== 'RUNNING') return finish(status, execution.output, execution.error, execution.cause, counts, elapsed, reporter);
    reporter.progress(countsLine(counts, status, elapsed));
    if (stop.requested) {
      reporter.summary([`stopped following; the execution goes on: ${executionArn}`]);
      return EXIT.OK;
    }
    await sleep(opts.pollMs ?? 5000);
  }
}

function finish(status: string, output: string | undefined, error: string | undefined, cause: string | undefined, counts: ItemCounts | undefined, elapsed: number, reporter: Reporter): number {
  const lines = [countsLine(counts, status, elapsed)];
  if (error || cause) lines.push(`error: ${error ?? ''}${cause ? `: ${cause}` : ''}`);
  const results = output ? (JSON.parse(output) as { ResultWriterDetails?: { Bucket?: string; Key?: string } }).ResultWriterDetails : undefined;
  if (results?.Bucket) lines.push(`results: s3://${results.Bucket}/${results.Key ?? ''} (failed objects are listed in the FAILED_*.json files beside it)`);
  reporter.summary(lines);
  const failed = (counts?.failed ?? 0) + (counts?.timedOut ?? 0) + (counts?.aborted ?? 0);
  return status === 'SUCCEEDED' && failed === 0 ? EXIT.OK : EXIT.INPUTS_FAILED;
}
