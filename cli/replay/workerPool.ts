/**
 * Worker threads for a replay: decompressing and parsing is CPU work, so objects are read on every core. Each
 * object goes to the worker with the fewest in flight; a worker that dies fails only its own objects and is
 * replaced.
 */
import { Worker } from 'node:worker_threads';
import type { Level } from '../../lambda/sigma/index.ts';
import type { Format } from '../render/formats.ts';
import type { ObjectReport, ObjectTask } from './objectTask.ts';

export interface WorkerSetup {
  readonly rules: readonly string[];
  readonly minLevel: Level;
  readonly output: { readonly format: Format } | { readonly topicArn: string; readonly dedupTable?: string };
}

export interface WorkerRequest {
  readonly id: number;
  readonly task: ObjectTask;
}

export type WorkerResponse = { readonly id: number; readonly report: ObjectReport } | { readonly id: number; readonly error: string };

interface Pending {
  readonly resolve: (r: ObjectReport) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  readonly inFlight: Map<number, Pending>;
}

const ENTRY = new URL('./worker.mjs', import.meta.url);

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closing = false;

  constructor(size: number, private readonly setup: WorkerSetup) {
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: undefined as unknown as Worker, inFlight: new Map() };
      this.start(slot);
      this.slots.push(slot);
    }
  }

  private start(slot: Slot): void {
    // The SDK's Node version notice is printed once by the main thread, not once per worker.
    const worker = new Worker(ENTRY, { workerData: this.setup, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    slot.worker = worker;
    worker.on('message', (msg: WorkerResponse) => {
      const pending = slot.inFlight.get(msg.id);
      if (!pending) return;
      slot.inFlight.delete(msg.id);
      if ('report' in msg) pending.resolve(msg.report);
      else pending.reject(new Error(msg.error));
    });
    const fail = (reason: string) => {
      for (const p of slot.inFlight.values()) p.reject(new Error(`replay worker ${reason}`));
      slot.inFlight.clear();
      if (!this.closing) this.start(slot);
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (slot.worker === worker && !this.closing) fail(`exited with code ${code}`);
    });
  }

  /** Reads one object on the least busy worker. */
  run(task: ObjectTask): Promise<ObjectReport> {
    const slot = this.slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      slot.worker.postMessage({ id, task } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
