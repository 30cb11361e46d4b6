/**
 * The Sigma behaviour suite: every case under test/sigma/behaviour/*.yml is one rule + one record + the expected
 * verdict (or the expected invalid/unsupported status), written from the specification; docs/sigma-semantics.md says
 * why each expectation is what it is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compileRuleDocument, evaluate, loadRule, makeBundle, parseBundle, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule, LoadOptions, Placeholders } from '../../lambda/sigma/index.ts';

const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'behaviour');
const MIN_CASES = 220;
const CASE_RULE_ID = '5b0c8f2e-3d4a-4c6b-9e1f-7a2d3c4b5e60';
/** Every verdict must hold with the loader's optimising pass on (the default) and off. */
const LOAD_VARIANTS: readonly { label: string; options: LoadOptions }[] = [
  { label: 'optimised', options: {} },
  { label: 'unoptimised', options: { mergeEqualsIntoSet: false } },
];

type Expectation =
  | { kind: 'match'; record: unknown; match: boolean }
  | { kind: 'invalid' | 'unsupported'; reasonIncludes: string };

interface BehaviourCase {
  readonly file: string;
  readonly name: string;
  readonly ruleDocument: unknown;
  /** `expand` placeholder values for this case only (the compiler's `placeholders` option). */
  readonly placeholders?: Placeholders;
  readonly expect: Expectation;
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A case gives `detection` (wrapped into a fixed rule) or a whole `rule` document. */
function ruleDocumentOf(raw: Record<string, unknown>, name: string): unknown {
  if ('rule' in raw) return raw.rule;
  return {
    title: name,
    id: CASE_RULE_ID,
    status: 'test',
    level: 'low',
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection: raw.detection,
  };
}

function expectationOf(raw: Record<string, unknown>, where: string): Expectation {
  if (typeof raw.invalid === 'string') return { kind: 'invalid', reasonIncludes: raw.invalid };
  if (typeof raw.unsupported === 'string') return { kind: 'unsupported', reasonIncludes: raw.unsupported };
  if (typeof raw.match === 'boolean' && 'record' in raw) {
    // Round-trip through JSON so the record has exactly the types a CloudTrail record has.
    return { kind: 'match', record: JSON.parse(JSON.stringify(raw.record)), match: raw.match };
  }
  throw new Error(`${where}: needs record + match, invalid: <text> or unsupported: <text>`);
}

function readCases(file: string): BehaviourCase[] {
  const parsed: unknown = parse(readFileSync(join(CASES_DIR, file), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a YAML list of cases`);
  const seen = new Set<string>();
  return parsed.map((raw: unknown, index) => {
    const where = `${file} case #${index}`;
    if (!isRecordObject(raw) || typeof raw.name !== 'string') throw new Error(`${where}: needs a name`);
    if (seen.has(raw.name)) throw new Error(`${where}: duplicate name "${raw.name}"`);
    seen.add(raw.name);
    if (('rule' in raw) === ('detection' in raw)) throw new Error(`${where}: give exactly one of rule / detection`);
    if ('placeholders' in raw && !isRecordObject(raw.placeholders)) throw new Error(`${where}: placeholders must be a map`);
    return {
      file,
      name: raw.name,
      ruleDocument: ruleDocumentOf(raw, raw.name),
      placeholders: raw.placeholders as Placeholders | undefined,
      expect: expectationOf(raw, where),
    };
  });
}

function runCase(c: BehaviourCase): void {
  const result = compileRuleDocument(c.ruleDocument, `behaviour/${c.file}`, { placeholders: c.placeholders });
  const expect = c.expect;
  if (expect.kind !== 'match') {
    assert.equal(result.status, expect.kind, `status ${result.status}: ${result.reason}`);
    assert.ok(
      result.reason.toLowerCase().includes(expect.reasonIncludes.toLowerCase()),
      `reason "${result.reason}" should mention "${expect.reasonIncludes}"`,
    );
    return;
  }
  assert.equal(result.status, 'ok', `rule should compile: ${result.reason}`);
  assert.ok(result.rule, 'an ok result carries the compiled rule');
  // The Lambda runs rules read back from the JSON bundle, so the verdict must survive that round trip.
  const fromBundle: CompiledRule | undefined = parseBundle(JSON.stringify(makeBundle([result.rule]))).rules[0];
  assert.ok(fromBundle, 'the bundle keeps the rule');
  for (const { label, options } of LOAD_VARIANTS) {
    assert.equal(evaluate(loadRule(result.rule, options), expect.record), expect.match, `${label}, compiled rule`);
    assert.equal(evaluate(loadRule(fromBundle, options), expect.record), expect.match, `${label}, rule from the bundle`);
  }
  // The candidate index may pick extra rules, never leave out one that matches.
  assert.equal(new RuleEngine([fromBundle]).match(expect.record as object).length === 1, expect.match, 'through the candidate index');
}

const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yml')).sort();
const cases = files.flatMap(readCases);

describe('Sigma behaviour suite', () => {
  it(`has at least ${MIN_CASES} cases`, () => {
    assert.ok(cases.length >= MIN_CASES, `only ${cases.length} cases`);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.name}`, () => runCase(c));
  }
});
