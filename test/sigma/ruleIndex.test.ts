/**
 * The candidate index picks extra rules at worst, never leaves out a rule that matches: rules keyed on
 * eventName/eventSource, rules gated on another field they require, and rules that run on every record.
 * (The behaviour suite checks every case through the index too; the differential test does so on the corpus.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleDocument, evaluate, PlainRecordView, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';

function rule(title: string, detection: Record<string, unknown>): CompiledRule {
  const result = compileRuleDocument({ title, id: `00000000-0000-4000-8000-${String(title.length).padStart(12, '0')}`, status: 'test', level: 'low', logsource: { product: 'aws', service: 'cloudtrail' }, detection }, `${title}.yml`);
  assert.equal(result.status, 'ok', result.reason);
  return result.rule!;
}

const root = rule('root', { selection: { 'userIdentity.type': 'Root' }, filter: { eventType: 'AwsServiceEvent' }, condition: 'selection and not filter' });
const agent = rule('agent-contains', { selection: { 'userAgent|contains': ['kali', 'parrot'] }, condition: 'selection' });
const denied = rule('errorcode', { selection: { errorCode: ['AccessDenied', 'Client.UnauthorizedOperation'] }, condition: 'selection' });
const stop = rule('stop-logging', { selection: { eventName: 'StopLogging' }, condition: 'selection' });
const negated = rule('not-only', { selection: { eventSource: 'iam.amazonaws.com' }, condition: 'not selection' });
const keywords = rule('keywords', { keywords: ['evil'], condition: 'keywords' });
const both = rule('all-members', { selection: { 'requestParameters.tags|contains|all': ['alpha', 'beta'] }, condition: 'selection' });
const rules = [root, agent, denied, stop, negated, keywords, both];
const engine = new RuleEngine(rules);

function picked(record: Record<string, unknown>): string[] {
  const view = new PlainRecordView(record);
  return engine.candidates(view, view.get('eventName'), view.get('eventSource')).map((r) => r.meta.title);
}

/** Index soundness for one record: every rule that matches is among the candidates. */
function assertSound(record: Record<string, unknown>): void {
  const candidates = new Set(picked(record));
  for (const r of rules) {
    if (evaluate(engine.rules[rules.indexOf(r)]!, record)) assert.ok(candidates.has(r.meta.title), `${r.meta.title} matches ${JSON.stringify(record)} but was not picked`);
  }
}

describe('Candidate index', () => {
  it('keys rules on eventName, gates the others on a field they require, runs the rest on every record', () => {
    assert.deepEqual(engine.index.stats, { eventName: 1, eventSource: 0, gated: 4, always: 2 });
  });

  it('picks a gated rule only when the gate field could satisfy it', () => {
    assert.deepEqual(picked({ eventName: 'ListBuckets', userIdentity: { type: 'IAMUser' }, userAgent: 'aws-cli' }), ['not-only', 'keywords']);
    assert.deepEqual(picked({ eventName: 'ListBuckets', userIdentity: { type: 'root' } }), ['root', 'not-only', 'keywords']);
    assert.deepEqual(picked({ eventName: 'ListBuckets', userAgent: 'curl (Kali Linux)' }), ['agent-contains', 'not-only', 'keywords']);
    assert.deepEqual(picked({ eventName: 'StopLogging', errorCode: 'AccessDenied' }), ['errorcode', 'stop-logging', 'not-only', 'keywords']);
  });

  it('crosses arrays on the gate path, and reaches every gated rule for a value that is not a string', () => {
    assert.ok(picked({ userIdentity: [{ type: 'IAMUser' }, { type: 'Root' }] }).includes('root'));
    assert.ok(picked({ userAgent: 42 }).includes('agent-contains'));
    assert.ok(!picked({ userAgent: null }).includes('agent-contains'));
    assert.ok(!picked({}).includes('agent-contains'));
  });

  it('lets contains|all be met by different members of an array', () => {
    const record = { requestParameters: { tags: ['alpha-1', 'beta-2'] } };
    assert.equal(evaluate(engine.rules[rules.indexOf(both)]!, record), true);
    assert.ok(picked(record).includes('all-members'));
  });

  it('tells a null eventName (no keyed rule) from an object one (every keyed rule)', () => {
    assert.ok(!picked({ eventName: null }).includes('stop-logging'));
    assert.ok(picked({ eventName: { name: 'StopLogging' } }).includes('stop-logging'));
    assert.ok(!picked({ eventName: 'GetObject' }).includes('stop-logging'));
    assert.ok(picked({ eventName: 'stoplogging' }).includes('stop-logging'));
  });

  it('is sound on records of many shapes', () => {
    const values: unknown[] = [undefined, null, 'Root', 'ROOT', 'AccessDenied', 'kali', 'evil', 7, true, ['Root', 1], { type: 'Root' }, [], {}];
    for (const a of values) {
      for (const b of values) {
        assertSound({ eventName: a, eventSource: b, userIdentity: { type: a }, userAgent: b, errorCode: a, eventType: b, requestParameters: { tags: [a, b] } });
        assertSound({ eventName: 'StopLogging', userIdentity: a, userAgent: b });
      }
    }
  });

  it('remembers picks per value without mixing values up', () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(picked({ eventName: 'X', userAgent: 'parrot' }), ['agent-contains', 'not-only', 'keywords']);
      assert.deepEqual(picked({ eventName: 'X', userAgent: 'pwsh' }), ['not-only', 'keywords']);
    }
  });

  it('stays right after its memo of value combinations starts over', () => {
    for (let i = 0; i < 60_000; i++) {
      const name = i % 1000 === 0 ? 'StopLogging' : `Call${i}`;
      const got = picked({ eventName: name, eventSource: `s${i % 7}`, userAgent: i % 2 ? 'kali' : 'aws-cli' });
      assert.equal(got.includes('stop-logging'), name === 'StopLogging');
      assert.equal(got.includes('agent-contains'), i % 2 === 1);
    }
  });
});
