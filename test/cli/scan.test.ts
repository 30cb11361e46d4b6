import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { jsonLines, runCli } from '../helpers/cli.ts';
import { CLOUDTRAIL_CORPUS, skipUnlessCorpus } from '../helpers/corpus.ts';
import { cloudTrailRecord, gzipDelivery } from '../helpers/factories.ts';

const SEED_RULE = '1497f3a3-7898-484e-b1e8-22fe99efd8a4';
const CONTRACT_KEYS = ['ruleId', 'ruleFile', 'title', 'level', 'status', 'tags', 'eventID', 'eventTime', 'eventName', 'eventSource',
  'awsRegion', 'recipientAccountId', 'sourceIPAddress', 'actor', 'source', 'recordIndex', 'record'];

const stopLogging = cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', readOnly: false });

describe('CLI: scan', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-sigma-scan-'));
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'good.json.gz'), gzipDelivery([cloudTrailRecord(), stopLogging]));
    writeFileSync(join(dir, 'nested', 'events.ndjson'), `${JSON.stringify(stopLogging)}\n${JSON.stringify(cloudTrailRecord())}\n`);
    writeFileSync(join(dir, 'broken.json'), '{ awsRegion: "us-east-1" }');
    writeFileSync(join(dir, 'truncated.json.gz'), gzipDelivery([stopLogging]).subarray(0, 20));
    writeFileSync(join(dir, 'README.md'), '# not a log');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the CreateApiKey alert of the samples (npm start)', async () => {
    const run = await runCli(['scan', 'samples', '--format', 'jsonl']);
    assert.equal(run.status, 0, run.stderr);
    const seed = jsonLines(run.stdout).filter((m) => m.ruleId === SEED_RULE);
    assert.equal(seed.length, 1);
    assert.equal(seed[0]!.eventName, 'CreateApiKey');
    assert.equal(seed[0]!.eventSource, 'appsync.amazonaws.com');
    assert.match(run.stderr, /skipped .*CloudTrail-Digest.*digest/);
    assert.match(run.stderr, /records: \d+; matches: \d+/);
  });

  it('writes one jsonl object per match with every contract key', async () => {
    const run = await runCli(['scan', join(dir, 'good.json.gz'), '--format', 'jsonl']);
    assert.equal(run.status, 0, run.stderr);
    const [m, ...rest] = jsonLines(run.stdout);
    assert.equal(rest.length, 0);
    for (const k of CONTRACT_KEYS) assert.ok(k in m!, `missing ${k}`);
    assert.equal(m!.recordIndex, 1);
    assert.equal(m!.source, join(dir, 'good.json.gz'));
    assert.equal(m!.actor, 'arn:aws:iam::123456789012:user/alice');
    assert.deepEqual(m!.record, stopLogging);
  });

  it('names every file it could not read, scans the rest and exits 1', async () => {
    const run = await runCli(['scan', dir, '--format', 'jsonl']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /failed .*broken\.json: not-json: expected a quoted key/);
    assert.match(run.stderr, /failed .*truncated\.json\.gz: truncated-gzip: gzip data ends early/);
    assert.match(run.stderr, /1 passed over/);
    assert.equal(jsonLines(run.stdout).filter((m) => m.eventName === 'StopLogging').length, 2);
  });

  it('writes csv and table with a header', async () => {
    const csv = await runCli(['scan', join(dir, 'good.json.gz'), '--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines[0], 'ruleId,ruleFile,title,level,status,tags,eventID,eventTime,eventName,eventSource,awsRegion,recipientAccountId,sourceIPAddress,actor,source,recordIndex');
    assert.equal(lines.length, 2);
    const table = await runCli(['scan', join(dir, 'good.json.gz')]);
    assert.match(table.stdout, /^LEVEL +EVENT TIME/);
    assert.match(table.stdout, /high +2026-11-30T10:15:00Z +CloudTrail Logging Stopped/);
  });

  it('keeps only rules at or above --min-level, and writes --output', async () => {
    const out = join(dir, 'out.jsonl');
    const run = await runCli(['scan', 'samples', '--format', 'jsonl', '--min-level', 'high', '--output', out]);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '');
    const levels = new Set(jsonLines(readFileSync(out, 'utf8')).map((m) => m.level));
    assert.deepEqual([...levels].sort(), ['critical', 'high'].filter((l) => levels.has(l)));
    assert.ok(levels.size > 0);
  });

  it("prints a command's own usage after the command, the whole usage otherwise", async () => {
    const whole = await runCli(['--help']);
    assert.equal(whole.status, 0);
    for (const c of ['scan PATH', 'rules check', 'rules list', 'rules report', 'rules navigator', 'replay --bucket', 'redrive --queue']) {
      assert.match(whole.stdout, new RegExp(`cloudtrail-sigma ${c}`));
    }
    const scanHelp = await runCli(['scan', '--help']);
    assert.equal(scanHelp.status, 0);
    assert.match(scanHelp.stdout, /cloudtrail-sigma scan PATH… \[--rules DIR\]… \[--placeholders F\]/);
    assert.doesNotMatch(scanHelp.stdout, /cloudtrail-sigma (rules|replay|redrive)/);
    assert.match(scanHelp.stdout, /^Exit status: /m);
    const rulesHelp = (await runCli(['rules', '--help'])).stdout;
    assert.deepEqual(rulesHelp.match(/cloudtrail-sigma rules \w+/g), ['cloudtrail-sigma rules check', 'cloudtrail-sigma rules list', 'cloudtrail-sigma rules report', 'cloudtrail-sigma rules navigator']);
    assert.deepEqual((await runCli(['rules', 'check', '--help'])).stdout.match(/cloudtrail-sigma rules \w+/g), ['cloudtrail-sigma rules check']);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await runCli(['scan'])).status, 2);
    const bad = await runCli(['scan', 'samples', '--format', 'xml']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format must be one of table, jsonl, csv/);
    assert.equal((await runCli(['scan', 'samples', '--bogus'])).status, 2);
    assert.equal((await runCli(['frobnicate'])).status, 2);
  });

  it('exits 2 before any work for an --output it cannot write or a --rules folder that does not exist', async () => {
    const out = await runCli(['scan', 'samples', '--output', join(dir, 'no-such-folder', 'x.csv')]);
    assert.equal(out.status, 2);
    assert.match(out.stderr, /^cloudtrail-sigma: cannot write --output .*no-such-folder\/x\.csv: ENOENT/);
    assert.doesNotMatch(out.stderr, /records:/);
    const rules = await runCli(['scan', 'samples', '--rules', join(dir, 'no-such-rules')]);
    assert.equal(rules.status, 2);
    assert.match(rules.stderr, /rules folder not found/);
  });

  it('reports an uncompilable --rules rule and skips it, or stops with --strict', async () => {
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'bad.yml'), 'title: Bad\nlogsource: { product: aws }\ndetection: { sel: { eventName|all: x }, condition: sel }\n');
    writeFileSync(join(rules, 'good.yml'), 'title: Stop\nlogsource: { product: aws }\nlevel: high\ndetection: { sel: { eventName: StopLogging }, condition: sel }\n');
    const run = await runCli(['scan', join(dir, 'good.json.gz'), '--rules', rules, '--format', 'jsonl']);
    assert.equal(run.status, 0);
    assert.match(run.stderr, /rule bad\.yml: invalid: modifier 'all' needs a list/);
    assert.equal(jsonLines(run.stdout).length, 1);
    const strict = await runCli(['scan', join(dir, 'good.json.gz'), '--rules', rules, '--strict']);
    assert.equal(strict.status, 2);
  });

  it('warns when no rule is left to run, so an empty rules folder does not pass for a clean result', async () => {
    const empty = join(dir, 'empty-rules');
    mkdirSync(empty);
    const run = await runCli(['scan', join(dir, 'good.json.gz'), '--rules', empty]);
    assert.equal(run.status, 0);
    assert.match(run.stderr, /no rules to run: no rule compiled from .*empty-rules; no record can match/);
    const rules = join(dir, 'low-rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'low.yml'), 'title: Low\nlogsource: { product: aws }\nlevel: low\ndetection: { sel: { eventName: StopLogging }, condition: sel }\n');
    const high = await runCli(['scan', join(dir, 'good.json.gz'), '--rules', rules, '--min-level', 'high']);
    assert.match(high.stderr, /no rules to run: none of the 1 rule\(s\) is at --min-level high or above; no record can match/);
  });

  it('follows symbolic links in a folder walk, without looping, and counts other file types', async () => {
    const walk = join(dir, 'links');
    mkdirSync(walk);
    symlinkSync(join(dir, 'good.json.gz'), join(walk, 'trail.json.gz'));
    symlinkSync(walk, join(walk, 'loop'));
    const run = await runCli(['scan', walk, '--format', 'jsonl']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(jsonLines(run.stdout).length, 1);
    assert.match(run.stderr, /files: 1 read/);
  });

  it('reports a missing path as a failed input', async () => {
    const run = await runCli(['scan', join(dir, 'nope.json'), join(dir, 'good.json.gz'), '--format', 'jsonl']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /failed .*nope\.json: not-found: no such file or folder/);
    assert.equal(jsonLines(run.stdout).length, 1);
  });
});

describe('CLI: scan over the whole shared corpus', { skip: skipUnlessCorpus() }, () => {
  it('reads ~34k records, names the two broken files, exits 1, and finds the AppSync CreateApiKey', async () => {
    const run = await runCli(['scan', CLOUDTRAIL_CORPUS, '--format', 'jsonl']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /failed .*aws\.execution\.ec2-user-data\.json: not-json: expected ',' or ']' after record 0/);
    assert.match(run.stderr, /failed .*suzaku-sample-data-copy\/aws\/cloudtrail\/CreateApiKey\.json: not-json: expected a quoted key/);
    const records = Number(/records: (\d+)/.exec(run.stderr)?.[1]);
    assert.ok(records > 34_000, `records: ${records}`);
    const seed = jsonLines(run.stdout).filter((m) => m.ruleId === SEED_RULE);
    assert.ok(seed.some((m) => String(m.source).endsWith('AppSync-CreateApiKey.json.cloudtrail')));
  });
});
