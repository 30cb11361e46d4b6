/**
 * The rule bundle keeps each distinct detection once; read back, rules that shared a detection share one object,
 * and the engine loads it once, so a record evaluates it once for all of them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { bundleJson, compileRuleDocument, compileRuleFolders, compileRuleSource, makeBundle, parseBundle, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';

const iam = { eventSource: 'iam.amazonaws.com' };
function rule(n: number, detection: Record<string, unknown>): CompiledRule {
  const result = compileRuleDocument({ title: `rule ${n}`, id: `00000000-0000-4000-8000-00000000000${n}`, level: 'low', logsource: { product: 'aws', service: 'cloudtrail' }, detection }, `r${n}.yml`);
  assert.equal(result.status, 'ok', result.reason);
  return result.rule!;
}
const rules = [
  rule(1, { source: iam, name: { eventName: 'CreateUser' }, condition: 'source and name' }),
  rule(2, { source: iam, name: { eventName: 'DeleteUser' }, condition: 'source and name' }),
  rule(3, { selection: iam, condition: 'selection' }),
];

describe('Rule bundle', () => {
  it('stores a detection that rules repeat once, whatever the rules call it', () => {
    const bundle = makeBundle(rules);
    assert.equal(bundle.detections.length, 3);
    assert.deepEqual(bundle.rules.map((r) => ({ ...r.detections })), [{ source: 0, name: 1 }, { source: 0, name: 2 }, { selection: 0 }]);
  });

  it('reads back the rules as compiled, shared detections as one object', () => {
    const read = parseBundle(JSON.stringify(makeBundle(rules))).rules;
    assert.deepEqual(read, rules);
    assert.equal(read[0]!.detections.source, read[2]!.detections.selection);
    assert.notEqual(read[0]!.detections.name, read[1]!.detections.name);
  });

  it('loads a shared detection once in the engine, and still matches each rule on its own terms', () => {
    const engine = new RuleEngine(parseBundle(JSON.stringify(makeBundle(rules))).rules);
    assert.equal(engine.rules[0]!.detections.get('source'), engine.rules[2]!.detections.get('selection'));
    const titles = (record: object) => engine.match(record).map((r) => r.meta.title);
    assert.deepEqual(titles({ eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' }), ['rule 2', 'rule 3']);
    assert.deepEqual(titles({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }), ['rule 1', 'rule 3']);
    assert.deepEqual(titles({ eventSource: 's3.amazonaws.com', eventName: 'CreateUser' }), []);
  });

  it('writes the bundle in ASCII, characters past U+007F escaped, and reads them back as they were', () => {
    const accented = rule(5, { selection: { 'requestParameters.name': 'Zoë “quoted” 🔑' }, condition: 'selection' });
    const named = { ...accented, meta: { ...accented.meta, author: 'Jörg Müller' } };
    const text = bundleJson([named]);
    assert.match(text, /^[\x00-\x7f]*$/);
    assert.deepEqual(parseBundle(text).rules, [named]);
    assert.equal(new RuleEngine(parseBundle(text).rules).match({ requestParameters: { name: 'zoë “quoted” 🔑' } }).length, 1);
  });

  it('keeps detections named like Object.prototype members as plain entries', () => {
    const yaml = `title: odd names\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  __proto__: {eventSource: iam.amazonaws.com}\n  constructor: {eventName: CreateUser}\n  condition: __proto__ and constructor\n`;
    const [odd] = compileRuleSource(yaml, 'odd.yml');
    assert.equal(odd?.status, 'ok', odd?.reason);
    const read = parseBundle(JSON.stringify(makeBundle([odd!.rule!]))).rules[0]!;
    assert.deepEqual(Object.keys(read.detections).sort(), ['__proto__', 'constructor']);
    const engine = new RuleEngine([read]);
    assert.equal(engine.match({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }).length, 1);
    assert.equal(engine.match({ eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' }).length, 0);
  });

  it('shares identical detections of rules compiled from folders too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    try {
      const yaml = (n: number, name: string) =>
        `title: rule ${n}\nid: 00000000-0000-4000-8000-00000000001${n}\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  source: {eventSource: iam.amazonaws.com}\n  name: {eventName: ${name}}\n  condition: source and name\n`;
      writeFileSync(join(dir, 'a.yml'), yaml(1, 'CreateUser'));
      writeFileSync(join(dir, 'b.yml'), yaml(2, 'DeleteUser'));
      const compiled = compileRuleFolders([dir]).rules;
      assert.equal(compiled.length, 2);
      assert.equal(compiled[0]!.detections.source, compiled[1]!.detections.source);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
