/**
 * A replay on this machine: the listing feeds objects, in key order, to at most `concurrency` reads at a time
 * (each streamed, so memory does not grow with object sizes); a second, counting listing runs ahead to give the
 * progress its total and ETA. Finished objects go into the checkpoint, flushed every few seconds once their output
 * has been written.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Reporter } from '../output.ts';
import type { RunStats } from '../runStats.ts';
import type { Checkpoint } from './checkpoint.ts';
import { listTrailObjects } from './listing.ts';
import type { ListingEntry, ListingOptions } from './listing.ts';
import type { PassReason } from './keyLayout.ts';
import type { ObjectReport, ObjectTask } from './objectTask.ts';
import { progressLine } from './progress.ts';
import type { ProgressCounts } from './progress.ts';

export interface LocalReplayDeps {
  /** For the listings. */
  readonly s3: S3Client;
  /** Reads one object (a worker pool, or inline). */
  readonly read: (task: ObjectTask) => Promise<ObjectReport>;
  readonly reporter: Reporter;
  readonly stats: RunStats;
  readonly checkpoint: Checkpoint;
  /** Objects read at the same time. */
  readonly concurrency: number;
  /** Set by a signal handler: no new object is started. */
  readonly stop: { requested: boolean };
  /** @default 5000 */
  readonly checkpointEveryMs?: number;
}

export interface PassedOver {
  objects: number;
  folders: number;
}

export interface LocalReplayResult {
  readonly failed: { key: string; reason: string }[];
  readonly published: number;
  readonly deduplicated: number;
  /** Listed keys and pruned folders not read, by reason. */
  readonly passedOver: Map<PassReason, PassedOver>;
  /** Objects skipped because an earlier run finished them. */
  readonly doneEarlier: number;
  readonly interrupted: boolean;
  /** Why the listing stopped early (the objects read until then are in the checkpoint). */
  readonly listingError?: string;
}

type Next = { key: string; size: number } | undefined;

export async function runLocalReplay(listing: ListingOptions, deps: LocalReplayDeps): Promise<LocalReplayResult> {
  const { reporter, stats, checkpoint } = deps;
  const passedOver = new Map<PassReason, PassedOver>();
  const failed: { key: string; reason: string }[] = [];
  let published = 0;
  let deduplicated = 0;
  let doneEarlier = 0;
  let listingError: string | undefined;
  const total = { objects: 0, bytes: 0, complete: false };
  const progress = { objectsDone: 0, bytesDone: 0, failed: 0 };
  const counts = (): ProgressCounts => ({ ...progress, records: stats.records, matches: stats.matches, total, elapsedSeconds: stats.elapsedSeconds });
  const showProgress = () => reporter.progress(progressLine(counts(), reporter.terminalWidth));

  const pass = (reason: PassReason, kind: keyof PassedOver) => {
    const p = passedOver.get(reason) ?? { objects: 0, folders: 0 };
    p[kind]++;
    passedOver.set(reason, p);
  };

  // Keys that failed in an earlier run come first; the listing resumes after the watermark.
  const retries = checkpoint.failedKeys;
  total.objects += retries.length;
  const toRetry = retries.values();

  let stopCounting = false;
  const counting = (async () => {
    try {
      for await (const e of listTrailObjects(deps.s3, listing)) {
        if (stopCounting) return;
        if (e.type === 'object' && !checkpoint.isDone(e.key)) {
          total.objects++;
          total.bytes += e.size;
        }
      }
      total.complete = true;
    } catch {
      // The main listing reports listing errors; the progress only lacks its total.
    }
  })();

  const entries = listTrailObjects(deps.s3, listing);
  let taking: Promise<unknown> = Promise.resolve();
  /** The next object to read, marked started in listing order (takes are chained, so order holds). */
  const take = (): Promise<Next> => {
    const next = taking.then(async (): Promise<Next> => {
      for (;;) {
        if (deps.stop.requested || listingError) return undefined;
        let r: IteratorResult<ListingEntry>;
        try {
          r = await entries.next();
        } catch (err) {
          listingError = `cannot list s3://${listing.bucket}/${listing.prefix}: ${(err as Error).name}: ${(err as Error).message}`;
          return undefined;
        }
        if (r.done) return undefined;
        const e = r.value;
        if (e.type === 'pruned') pass(e.reason, 'folders');
        else if (e.type === 'skipped') pass(e.reason, 'objects');
        else if (checkpoint.isDone(e.key)) {
          checkpoint.started(e.key);
          checkpoint.finished(e.key);
          doneEarlier++;
        } else {
          checkpoint.started(e.key);
          return { key: e.key, size: e.size };
        }
      }
    });
    taking = next.catch(() => undefined);
    return next;
  };

  let lastFlush = Date.now();
  const flushIfDue = async () => {
    if (Date.now() - lastFlush < (deps.checkpointEveryMs ?? 5000)) return;
    lastFlush = Date.now();
    await reporter.drained();
    await checkpoint.flush();
  };

  const read = async (key: string, size: number, retried: boolean) => {
    let report: ObjectReport;
    try {
      report = await deps.read({ bucket: listing.bucket, key });
    } catch (err) {
      report = { key, status: 'failed', records: 0, bytesRead: 0, bytesDecoded: 0, levels: [], published: 0, deduplicated: 0, attempts: 1, failure: `read-error: ${(err as Error).message}` };
    }
    if (report.lines) await reporter.data(report.lines);
    stats.add({
      source: key, status: report.status, records: report.records, matches: report.levels.length,
      bytesRead: report.bytesRead, bytesDecoded: report.bytesDecoded, badRecords: 0,
    });
    for (const level of report.levels) stats.countMatch(level);
    published += report.published;
    deduplicated += report.deduplicated;
    const source = `s3://${listing.bucket}/${key}`;
    if (report.failure) {
      reporter.warn(`failed ${source}: ${report.failure}`);
      failed.push({ key, reason: report.failure });
      progress.failed++;
    }
    if (retried) checkpoint.retried(key, report.failure);
    else checkpoint.finished(key, report.failure);
    const t = checkpoint.totals;
    // An earlier run's failure tried again was counted by that run already.
    if (!retried) t.objects++;
    t.records += report.records;
    t.matches += report.levels.length;
    t.bytes += report.bytesRead;
    progress.objectsDone++;
    progress.bytesDone += size || report.bytesRead;
    showProgress();
    await flushIfDue();
  };

  const worker = async () => {
    for (let r = toRetry.next(); !r.done && !deps.stop.requested; r = toRetry.next()) await read(r.value, 0, true);
    for (let next = await take(); next; next = await take()) await read(next.key, next.size, false);
  };
  const ticker = setInterval(showProgress, 1000);
  try {
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
  } finally {
    clearInterval(ticker);
  }
  if (deps.stop.requested || listingError) {
    stopCounting = true;
    await entries.return(undefined);
  }
  await counting;
  await reporter.drained();
  await checkpoint.flush();
  return { failed, published, deduplicated, passedOver, doneEarlier, interrupted: deps.stop.requested, ...(listingError ? { listingError } : {}) };
}
