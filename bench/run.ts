/**
 * `npm run bench`: throughput, memory and cold start of the detection pipeline, with ratios against baselines
 * measured in the same run on the same generated delivery (issue 7). Not a test: it prints figures and says
 * which targets they meet; nothing here is timed against a threshold in CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeDeliveryFile } from '../samples/generator.ts';
import { bundleJson, compileRuleFolders } from '../lambda/sigma/index.ts';
import { BUNDLE_PATH, BUNDLED_RULES_DIR } from '../cli/rulesSource.ts';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, LAMBDA_ALLOCATOR_ENV } from '../cdk/defaults.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'bench', '.cache');
const CORPUS_RULES = join(ROOT, '..', 'shared', 'corpus', 'sigma-rules');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COLD_RUNS = 5;
const SIZE_MB = Number(process.env.BENCH_MB ?? 100);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 500);

interface PhaseResult {
  phase: string;
  /** Median warm pass (the phase's second pass in its process). */
  ms: number;
  /** Median first pass (a new process). */
  firstMs: number;
  warmMs: number;
  bytes: number;
  records: number;
  matches: number;
  maxRssMB: number;
}

async function delivery(mb: number, seed: number): Promise<string> {
  const path = join(CACHE, `delivery-${mb}mb-seed${seed}.json.gz`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${mb} MB delivery (seed ${seed})…\n`);
    await writeDeliveryFile(path, { seed, targetBytes: mb * 1e6 });
  }
  return path;
}

function bundleRules(folders: string[], out: string): string {
  const { rules, results } = compileRuleFolders(folders);
  writeFileSync(out, bundleJson(rules));
  process.stderr.write(`${out}: ${rules.length} rules (${results.length - rules.length} not ok, left out)\n`);
  return out;
}

async function bundle(entry: string, outfile: string, minify: boolean): Promise<string> {
  await build({
    entryPoints: [join(ROOT, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: ESBUILD_TARGET,
    minify, keepNames: true, banner: { js: ESM_REQUIRE_BANNER }, logLevel: 'error',
  });
  return outfile;
}

/** The Lambda's environment for the allocator (cdk/defaults.ts), so peak RSS is what the function sees. */
const LAMBDA_ENV = { ...process.env, ...LAMBDA_ALLOCATOR_ENV };
/**
 * The young-generation size the Lambda Node.js runtime gives V8 in a 128 MB function (a tenth of the memory, half
 * of it per semi-space): the memory budget. Every phase runs with it, so they compare like with like.
 */
const LAMBDA_128MB_V8_FLAGS = ['--max-semi-space-size=6'];

function runNode(script: string, args: string[]): string {
  return execFileSync(process.execPath, [...LAMBDA_128MB_V8_FLAGS, script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, env: LAMBDA_ENV });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function phase(script: string, name: string, file: string, rules = ''): PhaseResult {
  const runs: PhaseResult[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(JSON.parse(runNode(script, [name, file, rules])) as PhaseResult);
  const firstMs = median(runs.map((r) => r.firstMs));
  const warmMs = median(runs.map((r) => r.warmMs));
  return { ...runs[0]!, ms: warmMs, firstMs, warmMs, maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) };
}

const fmt = (n: number, d = 1) => n.toFixed(d);

mkdirSync(CACHE, { recursive: true });
const file = await delivery(SIZE_MB, 42);
const bundled = existsSync(BUNDLE_PATH) ? BUNDLE_PATH : bundleRules([BUNDLED_RULES_DIR], join(CACHE, 'bundled.rules.json'));
const corpus = existsSync(CORPUS_RULES) ? bundleRules([CORPUS_RULES], join(CACHE, 'corpus.rules.json')) : undefined;
if (!corpus) process.stderr.write(`shared corpus rules not found at ${CORPUS_RULES}: phase d and its ratios are skipped\n`);
const phases = await bundle('bench/phases.ts', join(CACHE, 'phases.mjs'), false);
const coldStart = await bundle('bench/coldStart.ts', join(CACHE, 'coldStart.mjs'), false);
const lambda = await bundle('lambda/handler.ts', join(CACHE, 'lambda', 'index.mjs'), true);

const a = phase(phases, 'a', file);
const a0 = phase(phases, 'a0', file);
const b = phase(phases, 'b', file);
const s = phase(phases, 's', file);
const c = phase(phases, 'c', file, bundled);
const d = corpus ? phase(phases, 'd', file, corpus) : undefined;
const big = corpus ? phase(phases, 'd', await delivery(BIG_MB, 43), corpus) : undefined;
/** Cold start, in new processes (a first import is only ever measured once per process): the median of COLD_RUNS. */
const coldRuns = Array.from({ length: COLD_RUNS }, () => JSON.parse(runNode(coldStart, [lambda, corpus ?? bundled])) as { importMs: number; loadRulesMs: number; rules: number });
const cold = { importMs: median(coldRuns.map((r) => r.importMs)), loadRulesMs: median(coldRuns.map((r) => r.loadRulesMs)), rules: coldRuns[0]!.rules };
const bundleBytes = statSync(lambda).size;

const rows = [a, a0, b, s, c, d].filter((r): r is PhaseResult => Boolean(r));
const label: Record<string, string> = {
  a: 'a  streaming gunzip only',
  a0: "a0 the same, node's default chunk sizes",
  b: 'b  gunzip + JSON.parse (whole document)',
  s: 's  pipeline, no rules (the reader alone)',
  c: `c  pipeline, bundled rules (${JSON.parse(readFileSync(bundled, 'utf8')).rules.length})`,
  d: `d  pipeline, corpus rules (${cold.rules})`,
};
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  `machine: ${cpu}, ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30, 0)} GiB, node ${process.version}; ${RUNS} runs per phase, median`,
  `input: ${fmt(a.bytes / 1e6)} MB of CloudTrail JSON (${fmt(statSync(file).size / 1e6)} MB gzip), ${c.records} records`,
  'each phase runs twice in its own process: "warm" is the second pass (a reused Lambda environment, a long backfill),',
  '"first" the first pass of a new process (code not yet optimised); rule loading is cold start, below, not timed here',
  '',
  'phase                                         warm MB/s  records/s  warm ms  first ms  peak RSS MB  matches',
  ...rows.map((r) => `${label[r.phase]!.padEnd(44)} ${fmt(r.bytes / 1e6 / (r.ms / 1000)).padStart(9)} ${fmt((r.records || c.records) / (r.ms / 1000), 0).padStart(10)} ${fmt(r.ms, 0).padStart(8)} ${fmt(r.firstMs, 0).padStart(9)} ${fmt(r.maxRssMB, 0).padStart(12)} ${String(r.matches).padStart(8)}`),
  '',
];
const ratio = (x: PhaseResult | undefined, y: PhaseResult) => (x ? x.ms / y.ms : NaN);
const firstRatio = (x: PhaseResult | undefined, y: PhaseResult) => (x ? x.firstMs / y.firstMs : NaN);
const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
const both = (x: PhaseResult | undefined, y: PhaseResult) => `${fmt(ratio(x, y), 2)} warm, ${fmt(firstRatio(x, y), 2)} first pass`;
lines.push(`s/a = ${both(s, a)}   (the record reader: gunzip, records split, eventName/eventSource read)`);
lines.push(`c/a = ${both(c, a)}`);
if (d) {
  lines.push(`d/a = ${both(d, a)}   target ≤ 1.5 (goal 1.25): ${check(ratio(d, a) <= 1.5)}`);
  lines.push(`d/b = ${both(d, b)}   target < 1 (d faster than b): ${check(ratio(d, b) < 1)}`);
  lines.push(`d/a0 = ${both(d, a0)}   (for context: against gunzip as node streams it by default)`);
}
if (big) lines.push(`peak RSS, d on a ${fmt(big.bytes / 1e6, 0)} MB delivery: ${fmt(big.maxRssMB, 0)} MB   target ≤ 100 MB: ${check(big.maxRssMB <= 100)}`);
lines.push(`cold start (median of ${COLD_RUNS} new processes): import the built Lambda bundle ${fmt(cold.importMs, 0)} ms; load ${cold.rules} compiled rules + build the index ${fmt(cold.loadRulesMs, 0)} ms   target ≤ 50 ms: ${check(cold.loadRulesMs <= 50)}`);
lines.push(`Lambda bundle (minified): ${fmt(bundleBytes / 1e6, 2)} MB   target ≤ 1.5 MB: ${check(bundleBytes <= 1.5e6)}`);
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify({ a, a0, b, s, c, d, big, cold, bundleBytes, cpu }, null, 2));
