/**
 * The project's rule pack: every rule under rules/ compiles, carries the metadata the catalog and the alerts rely
 * on, and gives the expected verdict on its own cases (test/rules/<rule file name>.cases.json): realistic records
 * it must match, and near misses (the same call succeeding, another user, a private bucket…) it must not.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRuleFolders, evaluate, LEVELS, loadRule } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';
import { ACCOUNT_ID, cloudTrailRecord } from './factory.ts';

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
const CASES_DIR = fileURLToPath(new URL('./', import.meta.url));
const CASES_SUFFIX = '.cases.json';

const TACTICS = new Set([
  'reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation',
  'defense-evasion', 'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control',
  'exfiltration', 'impact',
]);
const TECHNIQUE_TAG = /^attack\.t\d{4}(\.\d{3})?$/;

interface Cases {
  readonly match: Record<string, unknown>[];
  readonly noMatch: Record<string, unknown>[];
}

const { rules, results } = compileRuleFolders([RULES_DIR]);

/** Cases live in one flat folder, named after the rule file without its tactic sub-folder. */
function caseName(rule: CompiledRule): string {
  return basename(rule.ruleFile.replace(/#\d+$/, ''), '.yml');
}

function readCases(file: string): Cases {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const isRecordList = (v: unknown): v is Record<string, unknown>[] =>
    Array.isArray(v) && v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  const { match, noMatch } = (parsed ?? {}) as Partial<Cases>;
  if (!isRecordList(match) || !isRecordList(noMatch)) {
    throw new Error(`${file}: expected { "match": [record, …], "noMatch": [record, …] }`);
  }
  return { match, noMatch };
}

function label(record: Record<string, unknown>): string {
  const who = (record.userIdentity as { type?: string } | undefined)?.type ?? 'IAMUser';
  return `${String(record.eventName)} by ${who}${record.errorCode ? ` (${String(record.errorCode)})` : ''}`;
}

describe('Rule pack: rules/', () => {
  it('compiles every rule document with status ok', () => {
    const problems = results.filter((r) => r.status !== 'ok').map((r) => `${r.file}: ${r.status}: ${r.reason}`);
    assert.deepEqual(problems, []);
    assert.ok(rules.length >= 45, `expected at least 45 rules, found ${rules.length}`);
  });

  it('gives every rule a unique id', () => {
    const seen = new Map<string, string>();
    for (const rule of rules) {
      const other = seen.get(rule.meta.id);
      assert.equal(other, undefined, `${rule.ruleFile} reuses the id of ${other}`);
      seen.set(rule.meta.id, rule.ruleFile);
    }
  });

  it('gives every rule file a name unique across tactic folders', () => {
    const names = rules.map(caseName);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
  });

  it('has no cases file without its rule', () => {
    const names = new Set(rules.map(caseName));
    const orphans = readdirSync(CASES_DIR)
      .filter((f) => f.endsWith(CASES_SUFFIX))
      .filter((f) => !names.has(f.slice(0, -CASES_SUFFIX.length)));
    assert.deepEqual(orphans, []);
  });

  it('keeps the seed rule as issue 2 defines it', () => {
    const seed = rules.find((r) => r.meta.id === '1497f3a3-7898-484e-b1e8-22fe99efd8a4');
    assert.ok(seed, 'the Attempt To Create API Key rule is missing');
    assert.equal(seed.meta.title, 'Attempt To Create API Key');
    assert.equal(seed.meta.status, 'test');
    assert.equal(seed.meta.level, 'medium');
    assert.deepEqual(seed.meta.logsource, { product: 'aws', service: 'cloudtrail' });
    assert.deepEqual(seed.meta.tags, ['attack.defense-evasion', 'attack.persistence', 'attack.t1098.001']);
  });
});

for (const rule of rules) {
  describe(`Rule: ${rule.ruleFile} (${rule.meta.title})`, () => {
    it('carries status, level, log source, author, dates, description, references and false positives', () => {
      const m = rule.meta;
      assert.ok(['test', 'experimental'].includes(m.status), `status ${m.status}`);
      assert.ok((LEVELS as readonly string[]).includes(m.level), `level ${m.level}`);
      assert.deepEqual(m.logsource, { product: 'aws', service: 'cloudtrail' });
      assert.equal(m.author, 'cloudtrail-sigma team');
      assert.match(m.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(m.description.trim().length >= 80, 'description should say why it matters and what an attacker does');
      assert.ok(m.references.length > 0 && m.references.every((u) => u.startsWith('https://')), 'references');
      assert.ok(m.falsepositives.length > 0 && m.falsepositives.every((f) => f.trim().length > 0), 'falsepositives');
    });

    it('is tagged with an ATT&CK tactic and technique', () => {
      const tags = rule.meta.tags;
      assert.ok(tags.some((t) => TACTICS.has(t.replace(/^attack\./, ''))), `no tactic tag in ${tags.join(', ')}`);
      assert.ok(tags.some((t) => TECHNIQUE_TAG.test(t)), `no technique tag in ${tags.join(', ')}`);
      const unknown = tags.filter((t) => !TECHNIQUE_TAG.test(t) && !TACTICS.has(t.replace(/^attack\./, '')));
      assert.deepEqual(unknown, []);
    });

    const file = join(CASES_DIR, `${caseName(rule)}${CASES_SUFFIX}`);
    it('has a cases file with at least one match and one near miss', () => {
      assert.ok(existsSync(file), `missing ${file}`);
      const cases = readCases(file);
      assert.ok(cases.match.length > 0, 'no match case');
      assert.ok(cases.noMatch.length > 0, 'no near-miss case');
    });
    if (!existsSync(file)) return;

    const cases = readCases(file);
    const loaded = loadRule(rule);
    cases.match.forEach((record, i) => {
      it(`matches match[${i}]: ${label(record)}`, () => {
        assert.equal(evaluate(loaded, cloudTrailRecord(record)), true);
      });
    });
    cases.noMatch.forEach((record, i) => {
      it(`does not match noMatch[${i}]: ${label(record)}`, () => {
        assert.equal(evaluate(loaded, cloudTrailRecord(record)), false);
      });
    });
  });
}

describe('Function: cloudTrailRecord()', () => {
  it('adds the CloudTrail envelope and keeps every field the case gives, null included', () => {
    const record = cloudTrailRecord({ eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', requestParameters: null, readOnly: true });
    for (const field of ['eventVersion', 'userIdentity', 'eventTime', 'awsRegion', 'sourceIPAddress', 'userAgent',
      'requestID', 'eventID', 'eventType', 'managementEvent', 'eventCategory']) {
      assert.ok(record[field] !== undefined && record[field] !== null, `${field} missing`);
    }
    assert.equal(record.recipientAccountId, ACCOUNT_ID);
    assert.equal(record.requestParameters, null);
    assert.equal(record.readOnly, true);
    assert.match(String(record.eventID), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives different records different event ids, and the same record the same id on every run', () => {
    const a = cloudTrailRecord({ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' });
    const b = cloudTrailRecord({ eventSource: 'sts.amazonaws.com', eventName: 'GetSessionToken' });
    assert.notEqual(a.eventID, b.eventID);
    assert.equal(a.eventID, cloudTrailRecord({ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' }).eventID);
  });

  it('refuses a case record without eventSource or eventName', () => {
    assert.throws(() => cloudTrailRecord({ eventName: 'StopLogging' }), /eventSource and eventName/);
  });
});
