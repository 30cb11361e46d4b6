/**
 * The replay checkpoint: which objects are finished, so `--resume` reads only the rest. Keys are listed in order,
 * so it holds a watermark (every key up to it is finished) plus the few keys finished beyond it, and the failed
 * keys with their reasons (a resumed run tries them again). Its size stays small for millions of objects.
 * Written whole to a temporary file and renamed over the old one, so a crash leaves the previous version intact.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { UsageError } from '../exitCodes.ts';
import type { ReplayOptions } from './options.ts';

/** What makes two replays the same replay: resuming under other filters would skip the wrong keys. */
export type ReplayIdentity = Pick<ReplayOptions, 'bucket' | 'prefix' | 'since' | 'until' | 'accounts' | 'regions'>;

export interface ReplayTotals {
  objects: number;
  records: number;
  matches: number;
  bytes: number;
}

interface CheckpointFile {
  readonly version: 1;
  readonly replay: ReplayIdentity;
  /** Every key up to this one (S3 order) is finished. */
  readonly after?: string;
  /** Finished keys after the watermark. */
  readonly doneAfter: string[];
  readonly failed: { key: string; reason: string }[];
  /** Counts over every run of this replay so far. */
  readonly totals: ReplayTotals;
}

const VERSION = 1;
const sameIdentity = (a: ReplayIdentity, b: ReplayIdentity) => JSON.stringify(normal(a)) === JSON.stringify(normal(b));
const normal = (r: ReplayIdentity): ReplayIdentity => ({
  bucket: r.bucket,
  prefix: r.prefix,
  ...(r.since ? { since: r.since } : {}),
  ...(r.until ? { until: r.until } : {}),
  accounts: [...(r.accounts ?? [])].sort(),
  regions: [...(r.regions ?? [])].sort(),
});

export class Checkpoint {
  private after: string | undefined;
  private readonly doneAfter: Set<string>;
  private readonly failed: Map<string, string>;
  readonly totals: ReplayTotals;
  /** Keys handed out and not yet below the watermark, in key order. */
  private readonly pending: string[] = [];
  private readonly finishedEarly = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly path: string, private readonly replay: ReplayIdentity, state?: CheckpointFile) {
    this.after = state?.after;
    this.doneAfter = new Set(state?.doneAfter ?? []);
    this.failed = new Map((state?.failed ?? []).map((f) => [f.key, f.reason]));
    this.totals = { objects: 0, records: 0, matches: 0, bytes: 0, ...state?.totals };
  }

  /** A new, empty checkpoint (an earlier file at the path is replaced at the first flush). */
  static fresh(path: string, replay: ReplayIdentity): Checkpoint {
    return new Checkpoint(path, replay);
  }

  /** The checkpoint at `path`, or undefined when there is none; a file of another replay is a usage error. */
  static load(path: string, replay: ReplayIdentity): Checkpoint | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let state: CheckpointFile;
    try {
      state = JSON.parse(text) as CheckpointFile;
    } catch (err) {
      throw new UsageError(`checkpoint ${path} is not valid JSON (${(err as Error).message}); remove it to start over`);
    }
    if (state.version !== VERSION) throw new UsageError(`checkpoint ${path} has version ${state.version}, expected ${VERSION}; remove it to start over`);
    if (!sameIdentity(state.replay, replay)) {
      throw new UsageError(`checkpoint ${path} belongs to another replay (${JSON.stringify(normal(state.replay))}); use the same --bucket, --prefix and filters, or another --checkpoint`);
    }
    return new Checkpoint(path, replay, state);
  }

  /** Resume point for the listing. */
  get watermark(): string | undefined {
    return this.after;
  }

  isDone(key: string): boolean {
    return this.doneAfter.has(key);
  }

  /** Keys that failed in earlier runs (tried again first when resuming). */
  get failedKeys(): string[] {
    return [...this.failed.keys()];
  }

  get failures(): { key: string; reason: string }[] {
    return [...this.failed].map(([key, reason]) => ({ key, reason }));
  }

  /** A listed key is being read; keys must be started in listing order. */
  started(key: string): void {
    this.pending.push(key);
  }

  /** A listed key is finished, failed or not; the watermark moves past every finished key at the front. */
  finished(key: string, failure?: string): void {
    this.recordFailure(key, failure);
    this.finishedEarly.add(key);
    while (this.pending.length > 0 && this.finishedEarly.has(this.pending[0]!)) {
      const done = this.pending.shift()!;
      this.finishedEarly.delete(done);
      this.doneAfter.delete(done);
      this.after = done;
    }
  }

  /** A key from an earlier run's failures, tried again. */
  retried(key: string, failure?: string): void {
    this.recordFailure(key, failure);
  }

  private recordFailure(key: string, failure: string | undefined): void {
    if (failure) this.failed.set(key, failure);
    else this.failed.delete(key);
  }

  private snapshot(): string {
    const state: CheckpointFile = {
      version: VERSION,
      replay: normal(this.replay),
      ...(this.after !== undefined ? { after: this.after } : {}),
      doneAfter: [...new Set([...this.doneAfter, ...this.finishedEarly])],
      failed: this.failures,
      totals: this.totals,
    };
    return `${JSON.stringify(state)}\n`;
  }

  /** Writes the current state; writes never overlap, and each replaces the file in one rename. */
  flush(): Promise<void> {
    const text = this.snapshot();
    const tmp = `${this.path}.tmp`;
    this.writing = this.writing.then(async () => {
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    });
    return this.writing;
  }

  /** For a signal handler, where no more asynchronous work may run. */
  flushSync(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, this.snapshot());
    renameSync(tmp, this.path);
  }

  /** The replay finished with nothing left to retry: the checkpoint has no more use. */
  async remove(): Promise<void> {
    await this.writing;
    await rm(this.path, { force: true });
    rmSync(`${this.path}.tmp`, { force: true });
  }
}
