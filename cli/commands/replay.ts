/**
 * `cloudtrail-sigma replay`: the main job over CloudTrail already in S3 — on this machine (worker threads,
 * checkpoint, progress), or on the deployed Step Functions backfill with --remote.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Reporter } from '../output.ts';
import { RunStats } from '../runStats.ts';
import { EXIT, exitCodeFor } from '../exitCodes.ts';
import { prepareEngine } from '../detection.ts';
import { RENDERERS } from '../render/formats.ts';
import { Checkpoint } from '../replay/checkpoint.ts';
import type { ReplayIdentity } from '../replay/checkpoint.ts';
import { PASS_REASONS } from '../replay/keyLayout.ts';
import { runLocalReplay } from '../replay/localReplay.ts';
import type { LocalReplayResult } from '../replay/localReplay.ts';
import type { ReplayOptions } from '../replay/options.ts';
import { replayRemote } from '../replay/remote.ts';
import { WorkerPool } from '../replay/workerPool.ts';

/** Failed objects named again at the end, after the progress; the rest are in the checkpoint. */
const FAILED_SHOWN = 20;
const INTERRUPTED = 130;

export interface ReplayIO {
  /** @default process.stderr */
  readonly stderr?: NodeJS.WriteStream;
}

function identity(o: ReplayOptions): ReplayIdentity {
  return { bucket: o.bucket, prefix: o.prefix, since: o.since, until: o.until, accounts: o.accounts, regions: o.regions };
}

/** One checkpoint file per replay (bucket, prefix, filters), so a plain `--resume` finds it. */
export function defaultCheckpointPath(o: ReplayOptions): string {
  const id = identity(o);
  const hash = createHash('sha256').update(JSON.stringify([id.bucket, id.prefix, id.since, id.until, id.accounts, id.regions])).digest('hex').slice(0, 12);
  return `cloudtrail-sigma-replay-${o.bucket}-${hash}.checkpoint.json`;
}

/** Until the work ends: the first signal lets the objects being read finish, a second one stops at once. */
function onInterrupt(reporter: Reporter, flushNow: () => void): { stop: { requested: boolean }; release: () => void } {
  const stop = { requested: false };
  const handler = () => {
    if (stop.requested) {
      flushNow();
      process.exit(INTERRUPTED);
    }
    stop.requested = true;
    reporter.warn('interrupted: finishing the objects being read (interrupt again to stop now)');
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { stop, release: () => (process.off('SIGINT', handler), process.off('SIGTERM', handler)) };
}

function summaryLines(o: ReplayOptions, stats: RunStats, r: LocalReplayResult, checkpoint: Checkpoint, kept: boolean): string[] {
  const lines = stats.summary('objects');
  if (o.topicArn) lines.push(`alerts published: ${r.published}${r.deduplicated ? `; matches already alerted (not sent again): ${r.deduplicated}` : ''}`);
  const passed = [...r.passedOver].map(([reason, n]) => `${PASS_REASONS[reason]}: ${n.objects} objects${n.folders ? `, ${n.folders} folders` : ''}`);
  if (passed.length > 0) lines.push(`not read: ${passed.join('; ')}`);
  const earlier = Math.max(checkpoint.totals.objects - stats.sources, r.doneEarlier);
  if (earlier > 0) {
    const t = checkpoint.totals;
    lines.push(`resumed: ${earlier} objects finished in earlier runs were not read again; all runs together: ${Math.max(t.objects, stats.sources + earlier)} objects, ${t.records} records, ${t.matches} matches`);
  }
  if (r.failed.length > 0) {
    lines.push(`failed objects (${r.failed.length}):`);
    for (const f of r.failed.slice(0, FAILED_SHOWN)) lines.push(`  s3://${o.bucket}/${f.key}: ${f.reason}`);
    if (r.failed.length > FAILED_SHOWN) lines.push(`  … and ${r.failed.length - FAILED_SHOWN} more, listed in ${checkpoint.path}`);
  }
  if (r.listingError) lines.push(r.listingError);
  const hint = r.listingError
    ? 'fix the listing error above, then run again with --resume to continue'
    : `run again with --resume to ${r.interrupted ? 'continue' : 'retry the failed objects'}`;
  if (kept) lines.push(`checkpoint: ${checkpoint.path} — ${hint}`);
  return lines;
}

async function replayLocal(o: ReplayOptions, io: ReplayIO): Promise<number> {
  const path = o.checkpoint ?? defaultCheckpointPath(o);
  let checkpoint = Checkpoint.fresh(path, identity(o));
  if (o.resume) {
    const loaded = Checkpoint.load(path, identity(o));
    if (loaded) checkpoint = loaded;
  }
  const resuming = checkpoint.totals.objects > 0 || checkpoint.watermark !== undefined;
  const appendOutput = resuming && o.output !== undefined && existsSync(o.output) && statSync(o.output).size > 0;
  const reporter = new Reporter(o.topicArn ? undefined : o.output, io.stderr, appendOutput);
  if (o.resume && !resuming) reporter.warn(`no checkpoint at ${path}: starting from the beginning`);
  const prepared = prepareEngine(o, reporter);
  if (!prepared) return EXIT.USAGE;
  const header = o.topicArn || appendOutput ? undefined : RENDERERS[o.format].header();
  if (header) await reporter.data(header);

  const workers = Math.min(o.concurrency, availableParallelism());
  const pool = new WorkerPool(workers, { rules: o.rules, minLevel: o.minLevel, output: o.topicArn ? { topicArn: o.topicArn, dedupTable: o.dedupTable } : { format: o.format } });
  const stats = new RunStats();
  const { stop, release } = onInterrupt(reporter, () => checkpoint.flushSync());
  let result: LocalReplayResult;
  try {
    result = await runLocalReplay(
      { bucket: o.bucket, prefix: o.prefix, filter: { since: o.since, until: o.until, accounts: o.accounts && new Set(o.accounts), regions: o.regions && new Set(o.regions) }, startAfter: checkpoint.watermark },
      { s3: new S3Client({}), read: (task) => pool.run(task), reporter, stats, checkpoint, concurrency: o.concurrency, stop },
    );
  } finally {
    release();
    await pool.close();
  }
  const unfinished = result.interrupted || result.listingError !== undefined || checkpoint.failedKeys.length > 0;
  if (!unfinished) await checkpoint.remove();
  reporter.summary(summaryLines(o, stats, result, checkpoint, unfinished));
  await reporter.close();
  if (result.interrupted) return INTERRUPTED;
  return exitCodeFor({ failedInputs: result.failed.length + (result.listingError ? 1 : 0), ruleErrors: prepared.ruleErrors }, { strict: o.strict });
}

export async function replay(o: ReplayOptions, io: ReplayIO = {}): Promise<number> {
  if (!o.stateMachineArn) return replayLocal(o, io);
  const reporter = new Reporter(undefined, io.stderr);
  const { stop, release } = onInterrupt(reporter, () => undefined);
  try {
    return await replayRemote(new SFNClient({}), { stateMachineArn: o.stateMachineArn, bucket: o.bucket, prefix: o.prefix }, reporter, stop);
  } finally {
    release();
  }
}
