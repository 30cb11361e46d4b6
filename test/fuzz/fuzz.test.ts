/**
 * Seeded fuzz test: mutated real deliveries (samples/ and the shared corpus) through the detector's object
 * processing, and mutated Sigma rules (rules/ and the corpus) through the compiler and evaluator.
 * Every case must end with an outcome that names itself (ok / skipped with a reason / failed with a known kind;
 * a rule ok / unsupported / invalid with a reason), never an exception, and within its time budget.
 *
 * Replay: FUZZ_SEED=n (default below) and FUZZ_CASE=i to run one case; FUZZ_CASES=n for a longer run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../helpers/cli.ts';
import { CLOUDTRAIL_CORPUS, SIGMA_CORPUS, skipUnlessCorpus } from '../helpers/corpus.ts';
import type { FuzzMessage, FuzzSetup } from './fuzzWorker.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const CASES = Number(process.env.FUZZ_CASES ?? 2100);
const ONLY = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE);
/** One case may take this long (a slow CI machine included); a backtracking regex takes far longer. */
const CASE_BUDGET_MS = 5_000;
/** Loading and compiling the inputs before the first case. */
const SETUP_BUDGET_MS = 60_000;

interface Failure {
  index: number;
  description: string;
  problems: string[];
}

interface Timing {
  deliveries: number;
  rules: number;
  slowest: { ms: number; index: number; description: string };
}

function runFuzz(setup: FuzzSetup): Promise<{ failures: Failure[]; cases: number; ready: { deliveries: number; rules: number }; timing: Timing }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: setup, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    const failures: Failure[] = [];
    let ready = { deliveries: 0, rules: 0 };
    let current: { index: number; description: string } | undefined;
    let deadline = Date.now() + SETUP_BUDGET_MS;
    let cases = 0;
    const timing: Timing = { deliveries: 0, rules: 0, slowest: { ms: 0, index: -1, description: '' } };
    const stop = (error?: Error) => {
      clearInterval(watchdog);
      void worker.terminate();
      if (error) reject(error);
      else resolve({ failures, cases, ready, timing });
    };
    const watchdog = setInterval(() => {
      if (Date.now() <= deadline) return;
      const what = current ? `case ${current.index} (${current.description})` : 'loading the inputs';
      stop(new Error(`fuzz seed ${setup.seed}: ${what} ran past its time budget; replay with FUZZ_SEED=${setup.seed} FUZZ_CASE=${current?.index ?? ''}`));
    }, 100);
    worker.on('message', (m: FuzzMessage) => {
      if (m.type === 'ready') ready = { deliveries: m.deliveries, rules: m.rules };
      if (m.type === 'start') {
        current = { index: m.index, description: m.description };
        deadline = Date.now() + CASE_BUDGET_MS;
      }
      if (m.type === 'done') {
        cases++;
        timing[m.rule ? 'rules' : 'deliveries'] += m.ms;
        if (m.ms > timing.slowest.ms) timing.slowest = { ms: m.ms, index: m.index, description: current?.description ?? '' };
        if (m.problems.length > 0) failures.push({ index: m.index, description: current?.description ?? '', problems: m.problems });
      }
      if (m.type === 'end') stop();
    });
    worker.on('error', (err) => {
      const what = current ? `case ${current.index} (${current.description})` : 'loading the inputs';
      stop(new Error(`fuzz seed ${setup.seed}: uncaught ${err.name} in ${what}: ${err.message}`, { cause: err }));
    });
    worker.on('exit', (code) => stop(code === 0 ? undefined : new Error(`fuzz worker exited with ${code}`)));
  });
}

describe('Fuzz: mutated deliveries and rules', () => {
  it(`runs ${ONLY === undefined ? CASES : 1} seeded case(s) (seed ${SEED}) without an exception, a hang or an unnamed failure`, { timeout: 300_000 }, async (t) => {
    const notice = skipUnlessCorpus();
    if (notice) t.diagnostic(`${notice}; fuzzing samples/ and rules/ only`);
    const started = Date.now();
    const { failures, cases, ready, timing } = await runFuzz({
      seed: SEED, cases: CASES, root: ROOT, ...(ONLY === undefined ? {} : { only: ONLY }),
      ...(notice ? {} : { corpus: { cloudtrail: CLOUDTRAIL_CORPUS, sigma: SIGMA_CORPUS } }),
    });
    t.diagnostic(`${cases} cases from ${ready.deliveries} deliveries and ${ready.rules} rule files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    t.diagnostic(`time in delivery cases ${(timing.deliveries / 1000).toFixed(1)} s, rule cases ${(timing.rules / 1000).toFixed(1)} s; slowest case ${timing.slowest.index} (${timing.slowest.ms.toFixed(0)} ms): ${timing.slowest.description}`);
    assert.equal(cases, ONLY === undefined ? CASES : 1);
    const report = failures.slice(0, 10).map((f) => `case ${f.index}: ${f.problems.join('; ')}\n  ${f.description}`).join('\n');
    assert.deepEqual(failures.length, 0, `fuzz seed ${SEED}: ${failures.length} case(s) failed (replay with FUZZ_SEED=${SEED} FUZZ_CASE=i):\n${report}`);
  });
});
