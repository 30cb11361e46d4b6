import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, runCli } from '../helpers/cli.ts';

const SEED_RULE = '1497f3a3-7898-484e-b1e8-22fe99efd8a4';

function ruleFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-list-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

const rule = (title: string, detection: string, extra = '') =>
  `title: ${title}\nid: ${title.toLowerCase().replace(/\W+/g, '-')}\nlevel: high\ntags: [attack.persistence, attack.t1098]\n${extra}logsource: { product: aws, service: cloudtrail }\ndetection:\n${detection}`;

describe('CLI: rules list', () => {
  it('lists the bundled rules as jsonl with id, title, level, status, tags, eventNames and file', async () => {
    const run = await runCli(['rules', 'list', '--format', 'jsonl']);
    assert.equal(run.status, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    assert.ok(lines.length >= 45, `${lines.length} rules`);
    assert.deepEqual(Object.keys(lines[0]!), ['id', 'title', 'level', 'status', 'tags', 'eventNames', 'file']);
    const seed = lines.find((l) => l.id === SEED_RULE)!;
    assert.deepEqual(seed.eventNames, ['CreateApiKey'], 'event names are shown as the rule writes them');
    assert.deepEqual(seed.tags, ['attack.defense-evasion', 'attack.persistence', 'attack.t1098.001']);
    assert.match(run.stderr, new RegExp(`rules: ${lines.length} listed`));
  });

  it('prints a table with a header and one line per rule', async () => {
    const run = await runCli(['rules', 'list']);
    assert.equal(run.status, 0, run.stderr);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    assert.match(header!, /^LEVEL\s+STATUS\s+ID\s+TITLE\s+EVENT NAMES\s+TAGS$/);
    const seed = rows.find((r) => r.includes(SEED_RULE))!;
    assert.match(seed, /^medium\s+test\s+1497f3a3-\S+ Attempt To Create API Key\s+CreateApiKey\s+attack\.defense-evasion attack\.persistence attack\.t1098\.001$/);
  });

  it('takes event names from the condition: lists, prefixes, none when not pinned, none when negated', async () => {
    const dir = ruleFolder({
      'a.yml': rule('Listed', '  sel:\n    - eventName: [CreateUser, CreateLoginProfile]\n    - eventName|startswith: ListFunctions\n  condition: sel\n'),
      'b.yml': rule('Any Call', '  sel: { errorCode: AccessDenied }\n  condition: sel\n'),
      'c.yml': rule('Negated', '  sel: { eventSource: iam.amazonaws.com }\n  noisy: { eventName: ListUsers }\n  condition: sel and not noisy\n'),
      'd.yml': rule('Two Selections', '  a: { eventName: PutBucketPolicy }\n  b: { eventName: PutBucketAcl }\n  condition: a or b\n'),
    });
    const run = await runCli(['rules', 'list', '--rules', dir, '--format', 'jsonl']);
    assert.equal(run.status, 0, run.stderr);
    const byTitle = Object.fromEntries(jsonLines(run.stdout).map((l) => [l.title, l.eventNames]));
    assert.deepEqual(byTitle, {
      Listed: ['CreateLoginProfile', 'CreateUser', 'ListFunctions*'],
      'Any Call': [],
      Negated: [],
      'Two Selections': ['PutBucketAcl', 'PutBucketPolicy'],
    });
  });

  it('names the documents it leaves out on stderr and lists the rest', async () => {
    const dir = ruleFolder({
      'ok.yml': rule('Fine', '  sel: { eventName: CreateUser }\n  condition: sel\n'),
      'bad.yml': rule('Broken', '  sel: { eventName: CreateUser }\n  condition: sel and missing\n'),
    });
    const run = await runCli(['rules', 'list', '--rules', dir, '--format', 'jsonl']);
    assert.equal(run.status, 0);
    assert.deepEqual(jsonLines(run.stdout).map((l) => l.title), ['Fine']);
    assert.match(run.stderr, /left out bad\.yml: invalid: .*'missing' is not a search identifier/);
  });

  it('keeps control characters of rule text out of the terminal table', async () => {
    const dir = ruleFolder({ 'esc.yml': rule('"Bell\\u0007 \\u001b[2J Title"', '  sel: { eventName: CreateUser }\n  condition: sel\n') });
    const run = await runCli(['rules', 'list', '--rules', dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /[\u0007\u001b]/);
    assert.match(run.stdout, /Bell\? \?\[2J Title/);
  });

  it('keeps bidirectional overrides and zero-width characters of rule text out of the terminal table', async () => {
    const dir = ruleFolder({ 'bidi.yml': rule('"Admin\u202e txt.exe \u200bx"', '  sel: { eventName: CreateUser }\n  condition: sel\n') });
    const run = await runCli(['rules', 'list', '--rules', dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /[\u202e\u200b]/);
    assert.match(run.stdout, /Admin\? txt\.exe \?x/);
  });

  it('exits 2 for a missing rules folder or an unknown format', async () => {
    const missing = await runCli(['rules', 'list', '--rules', join(tmpdir(), 'no-such-rules-folder')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /rules folder not found/);
    const format = await runCli(['rules', 'list', '--format', 'csv']);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /--format must be one of table, jsonl/);
  });
});
