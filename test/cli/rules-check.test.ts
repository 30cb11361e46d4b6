import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, runCli } from '../helpers/cli.ts';

describe('CLI: rules check', () => {
  it('reports the bundled rules all ok and exits 0', async () => {
    const run = await runCli(['rules', 'check', '--format', 'jsonl']);
    assert.equal(run.status, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    assert.ok(lines.length >= 45);
    assert.ok(lines.every((l) => l.status === 'ok'));
    assert.deepEqual(Object.keys(lines[0]!), ['file', 'id', 'title', 'status', 'reason']);
  });

  it('names file, place and reason for invalid and unsupported rules, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-rules-'));
    writeFileSync(join(dir, 'missing.yml'), 'title: Missing\nlogsource: { product: aws }\ndetection:\n  sel: { eventName: X }\n  condition: sel and filter\n');
    writeFileSync(join(dir, 'multi.yml'), 'title: Corr\ncorrelation: { type: event_count, rules: [b] }\n---\ntitle: Plain\nlogsource: { product: aws }\ndetection: { sel: { eventName: X }, condition: sel }\n');
    writeFileSync(join(dir, 'windows.yml'), 'title: Win\nlogsource: { product: windows }\ndetection: { sel: { EventID: 1 }, condition: sel }\n');
    const run = await runCli(['rules', 'check', '--rules', dir, '--format', 'jsonl']);
    assert.equal(run.status, 1);
    const byFile = Object.fromEntries(jsonLines(run.stdout).map((l) => [l.file, l]));
    assert.equal(byFile['missing.yml']!.status, 'invalid');
    assert.match(String(byFile['missing.yml']!.reason), /'filter' is not a search identifier.*\(line 5\)/);
    assert.equal(byFile['multi.yml']!.status, 'unsupported');
    assert.equal(byFile['multi.yml#1']!.status, 'ok');
    assert.equal(byFile['windows.yml']!.status, 'unsupported');
    assert.match(String(byFile['windows.yml']!.reason), /logsource product: windows/);
  });

  it('reports filter documents ok with the rules they tune, or invalid when they name no loaded rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-rules-'));
    writeFileSync(join(dir, 'rule.yml'), 'title: Trail Stopped\nid: r-1\nlogsource: { product: aws }\ndetection: { sel: { eventName: StopLogging }, condition: sel }\n');
    const filter = (ref: string) => `title: Deploy role\nlogsource: { product: aws }\nfilter: { rules: [ ${ref} ], sel: { userIdentity.arn: x }, condition: not sel }\n`;
    writeFileSync(join(dir, 'mf_ok.yml'), filter('r-1'));
    writeFileSync(join(dir, 'mf_stale.yml'), filter('r-2'));
    const run = await runCli(['rules', 'check', '--rules', dir]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^ok {10}mf_ok\.yml \(Deploy role\): filter applied to 1 rule: 'Trail Stopped'$/m);
    assert.match(run.stdout, /^invalid {5}mf_stale\.yml \(Deploy role\): filter\.rules names no loaded rule: 'r-2'$/m);
    assert.match(run.stderr, /rules: 3 documents: 2 ok, 0 unsupported, 1 invalid/);
  });

  it('resolves expand placeholders from --placeholders FILE, and names them when it is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-ph-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'login.yml'), "title: Login from elsewhere\nlogsource: { product: aws }\ndetection:\n  sel: { eventName: ConsoleLogin }\n  ok: { sourceIPAddress|expand: '%Office%' }\n  condition: sel and not ok\n");
    writeFileSync(join(dir, 'placeholders.yml'), 'Office: [203.0.113.10, 203.0.113.11]\n');
    const without = await runCli(['rules', 'check', '--rules', rules, '--format', 'jsonl']);
    assert.equal(without.status, 1);
    assert.match(String(jsonLines(without.stdout)[0]!.reason), /placeholder %Office% is not defined/);
    const withFile = await runCli(['rules', 'check', '--rules', rules, '--placeholders', join(dir, 'placeholders.yml'), '--format', 'jsonl']);
    assert.equal(withFile.status, 0, withFile.stdout);
    const bad = await runCli(['rules', 'check', '--rules', rules, '--placeholders', join(dir, 'nope.yml')]);
    assert.equal(bad.status, 2);
  });
});
