/**
 * The fuzz loop, run in a worker thread so the test's main thread can stop it when one case runs past its time
 * budget (a regex that backtracks forever blocks its thread: no timer inside it could fire).
 * Messages to the parent: `ready`, then `start`/`done` per case, then `end`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { Rng } from '../../samples/records/prng.ts';
import { compileRuleSource, evaluate, loadRule, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';
import { processObject } from '../../lambda/objectProcessor.ts';
import type { ObjectResult } from '../../lambda/objectProcessor.ts';
import { baseDelivery, deliveryCase } from './deliveryMutations.ts';
import type { BaseDelivery, DeliveryCase } from './deliveryMutations.ts';
import { ruleCase } from './ruleMutations.ts';
import type { RuleCase } from './ruleMutations.ts';

export interface FuzzSetup {
  readonly seed: number;
  readonly cases: number;
  /** Run only this case (to replay a failure). */
  readonly only?: number;
  readonly root: string;
  /** The shared corpus' cloudtrail and sigma-rules folders, when present. */
  readonly corpus?: { cloudtrail: string; sigma: string };
}

export type FuzzMessage =
  | { type: 'ready'; deliveries: number; rules: number }
  | { type: 'start'; index: number; description: string }
  | { type: 'done'; index: number; problems: string[]; rule: boolean; ms: number }
  | { type: 'end'; deliveryCases: number; ruleCases: number };

const MAX_BASE_BYTES = 32 * 1024;
const DELIVERY_SUFFIXES = ['.json.gz', '.json', '.cloudtrail', '.jsonl'];
/** Kinds the pipeline names; anything else (a JavaScript error's name, internal-error) is a bug surfacing. */
const KNOWN_KINDS = new Set(['not-json', 'truncated', 'truncated-gzip', 'bad-gzip', 'no-records', 'not-record', 'record-too-large', 'record-too-wide', 'empty', 'bad-record', 'transient', 'read-error', 'no-such-key', 'access-denied', 'publish-failed']);

function walk(dir: string, accept: (path: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, accept, out);
    else if (accept(path)) out.push(path);
  }
  return out;
}

const small = (path: string) => statSync(path).size <= MAX_BASE_BYTES;

/** A few of many, chosen by the seed, so the inputs stay small and the run stays fast. */
function some<T>(rng: Rng, items: T[], n: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

function loadBases(setup: FuzzSetup, rng: Rng) {
  const samples = walk(join(setup.root, 'samples'), (p) => DELIVERY_SUFFIXES.some((s) => p.endsWith(s)) && small(p));
  const corpusFiles = setup.corpus ? some(rng, walk(setup.corpus.cloudtrail, (p) => DELIVERY_SUFFIXES.some((s) => p.endsWith(s)) && small(p)), 60) : [];
  const deliveries: BaseDelivery[] = [...samples, ...corpusFiles].map((p) => baseDelivery(relative(setup.root, p), readFileSync(p)));
  const ruleFiles = [
    ...walk(join(setup.root, 'rules'), (p) => p.endsWith('.yml')),
    ...(setup.corpus ? some(rng, walk(setup.corpus.sigma, (p) => p.endsWith('.yml') && /cloudtrail|aws/i.test(p)), 150) : []),
  ];
  const rules = ruleFiles.map((p) => ({ name: relative(setup.root, p), text: readFileSync(p, 'utf8') }));
  const compiled = rules.flatMap((r) => compileRuleSource(r.text, r.name)).flatMap((r) => (r.rule ? [r.rule] : []));
  const records = deliveries.flatMap((d) => d.records ?? []).slice(0, 40);
  return { deliveries, rules, engine: new RuleEngine(compiled), records };
}

/** The object as S3 would stream it; the first stream breaks after `breakAfter` bytes when the case says so. */
function fakeS3(c: DeliveryCase): S3Client {
  let calls = 0;
  const chunks = (bytes: Buffer) => Array.from({ length: Math.ceil(bytes.length / c.chunkSize) }, (_, i) => bytes.subarray(i * c.chunkSize, (i + 1) * c.chunkSize));
  return {
    send: async () => {
      calls++;
      if (calls === 1 && c.breakAfter !== undefined) {
        const first = Readable.from(chunks(c.bytes.subarray(0, c.breakAfter)));
        const broken = new Readable({ read() {} });
        first.on('data', (d: Buffer) => broken.push(d));
        first.on('end', () => broken.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
        return { Body: broken };
      }
      return { Body: Readable.from(chunks(c.bytes)) };
    },
  } as unknown as S3Client;
}

const fakeSns = {
  send: async (command: { input: { PublishBatchRequestEntries?: { Id: string }[] } }) => ({
    Successful: (command.input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    Failed: [],
  }),
} as unknown as SNSClient;

function checkResult(r: ObjectResult): string[] {
  const problems: string[] = [];
  if (!['ok', 'failed', 'skipped'].includes(r.status)) problems.push(`status ${r.status}`);
  for (const n of ['records', 'matches', 'bytes', 'alertsPublished', 'alertsDeduplicated', 'alertsAggregated'] as const) {
    if (!Number.isInteger(r[n]) || r[n] < 0) problems.push(`${n} = ${r[n]}`);
  }
  if (r.status === 'failed') {
    if (!r.error?.message) problems.push('failed without a message');
    if (!KNOWN_KINDS.has(r.error?.kind ?? '')) problems.push(`failed with kind ${r.error?.kind}: ${r.error?.message}`);
  } else if (r.error) {
    problems.push(`${r.status} with an error: ${r.error.kind}`);
  }
  if (r.status === 'skipped' && !r.skipReason) problems.push('skipped without a reason');
  if (r.status === 'ok' && r.matches > 0 && r.alertsPublished === 0 && r.alertsDeduplicated !== r.matches) problems.push(`${r.matches} matches but no alert`);
  return problems;
}

async function runDelivery(c: DeliveryCase, index: number, engine: RuleEngine): Promise<string[]> {
  const key = `AWSLogs/123456789012/${c.folder}/us-east-1/2026/11/30/123456789012_${c.folder}_us-east-1_20261130T1015Z_fuzz${index}.json.gz`;
  const noWait = { sleep: async () => undefined };
  const result = await processObject({ bucket: 'fuzz-bucket', key }, {
    config: { alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' }, engine, s3: fakeS3(c), sns: fakeSns, readRetry: noWait, publishRetry: noWait,
  });
  return checkResult(result);
}

/** Each regular expression of a rule, with the field it reads. */
function regexTests(rule: CompiledRule): { field?: string; pattern: string }[] {
  const found: { field?: string; pattern: string }[] = [];
  const visit = (node: unknown, field?: string) => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, field));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.kind === 're' && typeof o.pattern === 'string') found.push({ ...(field ? { field } : {}), pattern: o.pattern });
    for (const [k, v] of Object.entries(o)) visit(v, typeof o.field === 'string' && k === 'matcher' ? o.field : field);
  };
  visit(rule.detections);
  return found;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) node = (node[p] = typeof node[p] === 'object' && node[p] ? node[p] : {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

/** Records that make a backtracking regex work hardest: long runs of the characters it names. */
function adversarialRecords(rule: CompiledRule): Record<string, unknown>[] {
  return regexTests(rule).flatMap(({ field, pattern }) => {
    const literal = pattern.replace(/\\./g, '').replace(/[^\w:/"=,.-]/g, '');
    const chars = [...new Set([literal[0] ?? 'a', literal.at(-1) ?? 'a'])];
    return chars.map((ch) => {
      const record: Record<string, unknown> = { eventName: 'X', eventSource: 'x.amazonaws.com' };
      setPath(record, field ?? 'userAgent', `${ch.repeat(8000)}!`);
      return record;
    });
  });
}

function runRule(c: RuleCase, records: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  for (const r of compileRuleSource(c.text, 'fuzz.yml')) {
    if (!['ok', 'unsupported', 'invalid'].includes(r.status)) problems.push(`status ${r.status}`);
    if (r.status !== 'ok' && (typeof r.reason !== 'string' || r.reason.trim() === '')) problems.push(`${r.status} without a reason`);
    if (r.status === 'ok') {
      if (!r.rule) {
        if (!r.filter) problems.push('ok without a compiled rule or filter');
        continue;
      }
      const loaded = loadRule(r.rule);
      for (const record of [...records, ...adversarialRecords(r.rule)]) evaluate(loaded, record);
    }
  }
  return problems;
}

const setup = workerData as FuzzSetup;
const port = parentPort!;
const post = (m: FuzzMessage) => port.postMessage(m);
const { deliveries, rules, engine, records } = loadBases(setup, new Rng(setup.seed));
post({ type: 'ready', deliveries: deliveries.length, rules: rules.length });
let deliveryCases = 0;
let ruleCases = 0;
for (let index = 0; index < setup.cases; index++) {
  if (setup.only !== undefined && index !== setup.only) continue;
  // Each case has its own generator, so one case can be replayed without the ones before it.
  const rng = new Rng((Math.imul(setup.seed, 0x9e3779b1) + index) >>> 0);
  const isRule = index % 3 === 2;
  post({ type: 'start', index, description: `generating ${isRule ? 'a rule' : 'a delivery'}` });
  const c = isRule ? ruleCase(rng, rules) : deliveryCase(rng, deliveries);
  post({ type: 'start', index, description: `${isRule ? 'rule' : 'delivery'} ${c.description}` });
  let problems: string[];
  const started = performance.now();
  try {
    problems = isRule ? runRule(c as RuleCase, records) : await runDelivery(c as DeliveryCase, index, engine);
  } catch (err) {
    problems = [`threw ${(err as Error)?.name}: ${(err as Error)?.message}`];
  }
  if (({} as Record<string, unknown>).polluted !== undefined) problems.push('Object.prototype polluted');
  if (isRule) ruleCases++;
  else deliveryCases++;
  post({ type: 'done', index, problems, rule: isRule, ms: performance.now() - started });
}
post({ type: 'end', deliveryCases, ruleCases });
