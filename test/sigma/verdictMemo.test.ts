/**
 * Verdicts reused by the values of the fields a rule reads (verdictMemo.ts) and gates picked by those names
 * (ruleIndex.ts) give the reference evaluator's verdict on every record: records that repeat some fields and not
 * others, nested fields under top-level values that differ elsewhere, arrays, numbers, null, field references,
 * keywords, fields inside a value the table passes by (evaluated as usual), keys written with escapes,
 * and enough distinct values to fill the scanner's values table more than once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { compileRuleDocument, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';
import { detectInSource } from '../../lambda/pipeline.ts';
import { referenceEvaluate } from '../helpers/referenceEvaluator.ts';

let ids = 0;
function rule(title: string, detection: Record<string, unknown>): CompiledRule {
  const id = `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  const result = compileRuleDocument({ title, id, status: 'test', level: 'low', logsource: { product: 'aws', service: 'cloudtrail' }, detection }, `${title}.yml`);
  assert.equal(result.status, 'ok', result.reason);
  return result.rule!;
}

const rules = [
  rule('role-session', { selection: { 'userIdentity.type': 'AssumedRole', 'userIdentity.sessionContext.sessionIssuer.type': 'Role' }, condition: 'selection' }),
  rule('s3-get-ok', { selection: { eventSource: 's3.amazonaws.com', eventName: 'GetObject' }, error: { errorCode: '*' }, condition: 'selection and not error' }),
  rule('denied', { selection: { errorCode: ['AccessDenied', 'Client.UnauthorizedOperation'] }, condition: 'selection' }),
  rule('agent', { selection: { 'userAgent|contains': ['kali', 'agent-7'] }, condition: 'selection' }),
  rule('arn-gate', { selection: { 'userIdentity.arn|endswith': '/admin' }, condition: 'selection' }),
  rule('resource-arn', { selection: { eventName: 'Decrypt', 'resources.ARN|contains': 'key/1' }, condition: 'selection' }),
  rule('tags-all', { selection: { eventName: 'PutObject', 'requestParameters.tags|contains|all': ['alpha', 'beta'] }, condition: 'selection' }),
  rule('port-number', { selection: { eventName: 'AuthorizeSecurityGroupIngress', 'requestParameters.fromPort|lt': 1024 }, condition: 'selection' }),
  rule('null-error', { selection: { eventName: 'GetObject', errorMessage: null }, condition: 'selection' }),
  rule('same-account', { selection: { eventName: 'AssumeRole', 'recipientAccountId|fieldref': 'userIdentity.accountId' }, condition: 'selection' }),
  rule('keyword', { keywords: ['evil'], condition: 'keywords' }),
  rule('region-not', { selection: { eventName: 'GetObject' }, filter: { awsRegion: 'us-east-1' }, condition: 'selection and not filter' }),
  rule('sse-header', { selection: { eventName: 'PutObject', 'requestParameters.x-amz-sse|exists': true }, condition: 'selection' }),
  rule('dotted-key', { selection: { 'requestParameters.a.b': 1 }, condition: 'selection' }),
];

/** Seeded, so a failure names the same records every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function records(n: number, seed: number): Record<string, unknown>[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const type = pick(['AssumedRole', 'IAMUser', 'Root', 'AWSService']);
    const identity: Record<string, unknown> = { type, arn: pick(['arn:aws:iam::1:user/admin', 'arn:aws:sts::1:assumed-role/r/s', 'arn:aws:iam::1:user/bob']), accountId: pick(['111', '222']) };
    if (type === 'AssumedRole') identity.sessionContext = { sessionIssuer: { type: pick(['Role', 'Role', 'User']) }, creationDate: `2026-12-0${i % 9}` };
    if (random() < 0.05) identity.type = [type, 'Other'];
    const record: Record<string, unknown> = {
      eventName: pick(['GetObject', 'PutObject', 'Decrypt', 'AssumeRole', 'AuthorizeSecurityGroupIngress']),
      eventSource: pick(['s3.amazonaws.com', 'kms.amazonaws.com', 'sts.amazonaws.com']),
      awsRegion: pick(['us-east-1', 'eu-west-1']),
      recipientAccountId: pick(['111', '222']),
      userIdentity: identity,
      // A few agents repeat often, the rest five times each: the values table fills up and starts over.
      userAgent: random() < 0.3 ? pick(['aws-cli/2', 'kali-linux', 'Boto3']) : `agent-${Math.floor(i / 5)}`,
      // Never the same twice (the values table passes it by), with a header now and then, or a dotted key.
      requestParameters: {
        request: i,
        tags: pick([['alpha', 'beta'], ['alpha'], 'alpha beta', null]),
        fromPort: pick([22, 443, 8080, '80', null]),
        ...(random() < 0.2 ? { 'x-amz-sse': 'AES256' } : {}),
        ...(random() < 0.05 ? { 'a.b': 1 } : {}),
      },
      resources: random() < 0.5 ? [{ ARN: 'arn:aws:kms:key/1' }, { ARN: 'arn:aws:kms:key/2' }] : [],
    };
    if (random() < 0.3) record.errorCode = pick(['AccessDenied', 'NoSuchKey']);
    if (random() < 0.2) record.errorMessage = pick([null, 'denied']);
    if (random() < 0.01) record.additionalEventData = { note: 'evil' };
    out.push(record);
  }
  return out;
}

/** Matches of `rules` on NDJSON lines read in 64 KB chunks, with or without reused verdicts. */
async function lineMatches(rules: readonly CompiledRule[], lines: readonly string[], reuseVerdicts: boolean): Promise<string[]> {
  const seen: string[] = [];
  const body = Buffer.from(lines.join('\n'));
  const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536));
  const outcome = await detectInSource('memo.jsonl', Readable.from(chunks), new RuleEngine(rules, { reuseVerdicts }), (m) => seen.push(`${m.recordIndex} ${m.rule.meta.title}`));
  assert.equal(outcome.status, 'ok', outcome.error?.message);
  return seen;
}

async function fastMatches(engine: RuleEngine, list: readonly unknown[]): Promise<Set<string>> {
  const seen = new Set<string>();
  // Every other header written with an escape (the same key once parsed).
  const body = list.map((r, i) => (i % 2 ? JSON.stringify(r).replace('"x-amz-sse"', '"x-amz-ss\\u0065"') : JSON.stringify(r))).join('\n');
  const outcome = await detectInSource('memo.jsonl', Readable.from([Buffer.from(body)]), engine, (m) => seen.add(`${m.recordIndex}\u0000${m.rule.meta.title}`));
  assert.equal(outcome.status, 'ok', outcome.error?.message);
  return seen;
}

describe('Verdicts reused by value (verdictMemo.ts)', () => {
  it('agree with the reference evaluator on every rule × record', async () => {
    const list = records(40_000, 7);
    const engine = new RuleEngine(rules);
    const fast = await fastMatches(engine, list);
    const disagreements: string[] = [];
    let matched = 0;
    list.forEach((record, i) => {
      for (const r of rules) {
        const expected = referenceEvaluate(r, record);
        if (expected) matched++;
        if (expected !== fast.has(`${i}\u0000${r.meta.title}`)) disagreements.push(`record ${i} ${r.meta.title}: reference ${expected} ${JSON.stringify(record)}`);
      }
    });
    assert.deepEqual(disagreements.slice(0, 5), [], `${disagreements.length} disagreements`);
    assert.ok(matched > 10_000, `the rules match often enough to test reuse (${matched})`);
    for (const r of rules) assert.ok([...fast].some((k) => k.endsWith(`\u0000${r.meta.title}`)), `${r.meta.title} matches somewhere`);
  });

  it('gives the same matches as evaluating every record afresh', async () => {
    const list = records(5_000, 11);
    assert.deepEqual(await fastMatches(new RuleEngine(rules), list), await fastMatches(new RuleEngine(rules, { reuseVerdicts: false }), list));
  });

  // Found by an adversarial review: the values table filling up while a record's own fields are named, and the memo
  // starting over in the middle of a record, each let that record take a verdict meant for another text. The table
  // is seeded per scanner, so each case runs several times.
  it('gives the record whose value fills the values table its own verdict (no missed detection)', async () => {
    const evil = rule('evil-agent', { selection: { eventName: 'GetObject', 'userAgent|contains': 'sqlmap' }, condition: 'selection' });
    const lines: string[] = [];
    for (let i = 0; i < 8191; i++) for (let r = 0; r < 5; r++) lines.push(JSON.stringify({ eventName: 'GetObject', userAgent: `aws-cli/${i}` }));
    lines.push(JSON.stringify({ eventName: 'GetObject', userAgent: 'sqlmap/1.7' }));
    for (let run = 0; run < 6; run++) assert.deepEqual(await lineMatches([evil], lines, true), [`${lines.length - 1} evil-agent`], `run ${run}`);
  });

  it('gives the record whose value fills the values table its own gate picks (no false positive)', async () => {
    const gated = rule('evil-x', { selection: { 'x|startswith': 'EVIL' }, condition: 'selection' });
    const lines: string[] = [];
    for (let i = 0; i < 8191; i++) for (let r = 0; r < 5; r++) lines.push(JSON.stringify({ eventName: 'E', x: `EVIL-${i}` }));
    lines.push(JSON.stringify({ eventName: 'E', x: 'benign' }));
    for (let run = 0; run < 6; run++) {
      const seen = await lineMatches([gated], lines, true);
      assert.equal(seen.length, lines.length - 1, `run ${run}`);
      assert.ok(!seen.includes(`${lines.length - 1} evil-x`), `run ${run}: the benign record matched`);
    }
  });

  it('gives the same verdicts when the memo starts over in the middle of a record', async () => {
    // 20 nested fields named per distinct top-level value: the memo reaches its bound while one record is named.
    const key = (j: number) => String.fromCharCode(97 + j);
    const nested = Array.from({ length: 20 }, (_, j) => rule(`p${j}`, { selection: { eventName: 'E', [`a.${key(j)}`]: 'EVIL' }, condition: 'selection' }));
    const leaves = (s: string) => Object.fromEntries(Array.from({ length: 20 }, (_, j) => [key(j), s]));
    for (const tops of [4990, 4999]) {
      const lines: string[] = [];
      for (let i = 0; i < tops; i++) for (let r = 0; r < 5; r++) lines.push(JSON.stringify({ eventName: 'E', a: { z: i, ...leaves('o') } }));
      for (let t = 0; t < 30; t++) {
        lines.push(JSON.stringify({ eventName: 'E', a: { z: `z${t}`, ...leaves(`zzz${t}`) } }));
        lines.push(JSON.stringify({ eventName: 'E', a: { z: `e${t}`, ...leaves('EVIL') } }));
      }
      const fast = await lineMatches(nested, lines, true);
      assert.deepEqual(fast, await lineMatches(nested, lines, false), `${tops} distinct values`);
      assert.equal(fast.length, 30 * 20);
    }
  });

  it('does not parse a nested value to name it where evaluating would not (invalid JSON there stays unread)', async () => {
    // Found by a fuzzing review: naming obj.x parsed `obj` up front, so a record whose condition is settled by its
    // first selection failed as invalid JSON instead of matching, as it does when evaluated afresh.
    const either = rule('either', { sel1: { eventName: 'GetObject' }, sel2: { 'obj.x': 'a' }, condition: 'sel1 or sel2' });
    const lines = ['{"eventName":"GetObject","obj":{"x":1,}}', '{"eventName":"GetObject","obj":{"x":1,}}', '{"eventName":"GetObject","obj":[1 2]}'];
    assert.deepEqual(await lineMatches([either], lines, true), ['0 either', '1 either', '2 either']);
    assert.deepEqual(await lineMatches([either], lines, false), ['0 either', '1 either', '2 either']);
  });
});
