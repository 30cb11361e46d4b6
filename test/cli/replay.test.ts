/** `replay` end to end against moto_server S3 (and SNS): the same matches as `scan`, filters, failures, resume. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { jsonLines, runCli } from '../helpers/cli.ts';
import { motoS3ClientConfig, motoClientConfig, skipUnlessMoto, startMoto } from '../helpers/moto.ts';
import type { MotoServer } from '../helpers/moto.ts';
import { Checkpoint } from '../../cli/replay/checkpoint.ts';
import { compareKeys } from '../../cli/replay/listing.ts';
import { ACCOUNTS, BUCKET, CORRUPT_KEY, PREFIX, buildTrailFixture, matchId, motoEnv, uploadFixture, writeFixture } from './replay.fixture.ts';
import type { FixtureObject } from './replay.fixture.ts';

const S3_BASE = `s3://${BUCKET}`;

describe('CLI: replay against moto S3', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let dir: string;
  let objects: FixtureObject[];
  let scanned: string[];
  let env: NodeJS.ProcessEnv;

  const replay = (args: string[]) => runCli(['replay', '--bucket', BUCKET, '--format', 'jsonl', ...args], { cwd: dir, env });
  const ids = (stdout: string) => jsonLines(stdout).map((m) => matchId(m, S3_BASE)).sort();
  const scannedWhere = (keep: (key: string) => boolean) => scanned.filter((id) => keep(id.split('#')[0]!));

  before(async () => {
    moto = await startMoto();
    env = motoEnv(moto.endpoint);
    dir = mkdtempSync(join(tmpdir(), 'ct-sigma-replay-'));
    objects = buildTrailFixture(10);
    const s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await uploadFixture(s3, objects);
    writeFixture(join(dir, 'files'), objects);
    const scan = await runCli(['scan', join(dir, 'files'), '--format', 'jsonl']);
    assert.equal(scan.status, 1, scan.stderr);
    scanned = jsonLines(scan.stdout).map((m) => matchId(m, join(dir, 'files'))).sort();
    assert.ok(scanned.length >= 25, `the fixture should hold the samples' matches, got ${scanned.length}`);
  });
  after(async () => {
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds exactly the matches scan finds in the same files, reports the corrupt object and exits 1', async () => {
    const run = await replay(['--prefix', PREFIX, '--concurrency', '4']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(ids(run.stdout), scanned);
    assert.match(run.stderr, new RegExp(`failed s3://${BUCKET}/${CORRUPT_KEY}: truncated-gzip`));
    assert.match(run.stderr, /failed objects \(1\):/);
    assert.match(run.stderr, /objects: 240 read, 0 skipped, 1 failed/);
    assert.match(run.stderr, /CloudTrail digest: 24 objects; CloudTrail Insights: 1 objects; not a CloudTrail log file: 1 objects/);
    for (const m of jsonLines(run.stdout)) assert.match(String(m.source), new RegExp(`^s3://${BUCKET}/AWSLogs/`));
  });

  it('reads only the days, accounts and regions asked for, pruning the rest by folder', async () => {
    const run = await replay(['--prefix', 'AWSLogs/', '--since', '2025-03-10', '--until', '2025-03-11', '--accounts', `${ACCOUNTS[0]},${ACCOUNTS[2]}`, '--regions', 'eu-west-1']);
    assert.equal(run.status, 0, run.stderr);
    const wanted = (key: string) =>
      /\/(2025\/03\/10|2025\/03\/11)\//.test(key) && (key.includes(`/${ACCOUNTS[0]}/`) || key.includes(`/${ACCOUNTS[2]}/`)) && key.includes('/eu-west-1/');
    assert.deepEqual(ids(run.stdout), scannedWhere(wanted));
    assert.match(run.stderr, /objects: 40 read, 0 skipped, 0 failed/);
    assert.match(run.stderr, /CloudTrail digest: 0 objects, 2 folders/);
    assert.match(run.stderr, /CloudTrail Insights: 0 objects, 1 folders/);
    assert.match(run.stderr, /account not selected: 0 objects, 1 folders/);
    assert.match(run.stderr, /region not selected: 0 objects, 2 folders/);
  });

  it('names a listing that fails (a bucket that does not exist), exits 1 and says to fix it before resuming', async () => {
    const run = await runCli(['replay', '--bucket', 'no-such-bucket', '--prefix', PREFIX, '--format', 'jsonl', '--checkpoint', join(dir, 'nolist.json')], { cwd: dir, env });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /cannot list s3:\/\/no-such-bucket\/.*NoSuchBucket/);
    assert.match(run.stderr, /— fix the listing error above, then run again with --resume to continue/);
  });

  it('keeps a checkpoint after failures, and --resume reads only the failed object again', async () => {
    const checkpoint = join(dir, 'failed.checkpoint.json');
    const first = await replay(['--prefix', PREFIX, '--since', '2025-03-12', '--checkpoint', checkpoint]);
    assert.equal(first.status, 1, first.stderr);
    assert.ok(existsSync(checkpoint));
    assert.match(first.stderr, /run again with --resume to retry the failed objects/);
    const s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    const fixed = objects.find((o) => o.key.endsWith('T0005Z_u0x33.json.gz') && o.key.includes('/2025/03/12/'))!;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: CORRUPT_KEY, Body: fixed.body }));
    try {
      const resumed = await replay(['--prefix', PREFIX, '--since', '2025-03-12', '--checkpoint', checkpoint, '--resume']);
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.match(resumed.stderr, /objects: 1 read, 0 skipped, 0 failed/);
      // The object that failed was counted by the first run: the totals count each object once.
      const firstRead = Number(/objects: (\d+) read/.exec(first.stderr)![1]) + 1;
      assert.match(resumed.stderr, new RegExp(`resumed: ${firstRead - 1} objects finished in earlier runs were not read again; all runs together: ${firstRead} objects`));
      assert.deepEqual(ids(resumed.stdout).map((id) => id.replace(CORRUPT_KEY, fixed.key)), scannedWhere((k) => k === fixed.key));
      assert.equal(existsSync(checkpoint), false, 'a finished replay removes its checkpoint');
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: CORRUPT_KEY, Body: objects.find((o) => o.key === CORRUPT_KEY)!.body }));
    }
  });

  it('resumes an interrupted replay after the last finished key, appending to --output', async () => {
    const checkpoint = join(dir, 'interrupted.checkpoint.json');
    const output = join(dir, 'interrupted.jsonl');
    const identity = { bucket: BUCKET, prefix: PREFIX, until: '2025-03-11' };
    const listed = objects.map((o) => o.key).filter((k) => /\/CloudTrail\/.*\/2025\/03\/(09|10|11)\//.test(k)).sort(compareKeys);
    const done = listed.slice(0, 100);
    // What an interrupted run leaves: 98 keys finished in order, the 99th still being read, the 100th finished.
    const cp = Checkpoint.fresh(checkpoint, identity);
    for (const k of done) cp.started(k);
    for (const k of done.slice(0, 98)) cp.finished(k);
    cp.finished(done[99]!);
    cp.flushSync();
    const left = [done[98]!, ...listed.slice(100)];
    writeFileSync(output, '{"fromTheFirstRun":true}\n');

    const run = await replay(['--prefix', PREFIX, '--until', '2025-03-11', '--checkpoint', checkpoint, '--resume', '--output', output]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /objects: 81 read, 0 skipped, 0 failed/);
    assert.match(run.stderr, /resumed: 1 objects finished in earlier runs were not read again; all runs together: 82 objects/);
    const [first, ...rest] = readFileSync(output, 'utf8').split('\n');
    assert.equal(first, '{"fromTheFirstRun":true}');
    assert.deepEqual(ids(rest.join('\n')), scannedWhere((k) => left.includes(k)));
  });

  it('publishes one alert per match with --publish', async () => {
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'replay-alerts' }));
    const run = await runCli(['replay', '--bucket', BUCKET, '--prefix', `${PREFIX}${ACCOUNTS[1]}/`, '--publish', '--topic-arn', TopicArn!], { cwd: dir, env });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    const expected = scannedWhere((k) => k.includes(`/${ACCOUNTS[1]}/`)).length;
    assert.ok(expected > 0);
    assert.match(run.stderr, new RegExp(`alerts published: ${expected}\\b`));
  });

  it('does not alert twice with the detector\'s de-duplication table (--dedup-table)', async () => {
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'replay-dedup' }));
    const dynamo = new DynamoDBClient(motoClientConfig(moto.endpoint));
    await dynamo.send(new CreateTableCommand({
      TableName: 'alert-claims', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }));
    const args = ['replay', '--bucket', BUCKET, '--prefix', `${PREFIX}${ACCOUNTS[0]}/`, '--publish', '--topic-arn', TopicArn!, '--dedup-table', 'alert-claims'];
    const denv = { ...env, AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint };
    const first = await runCli(args, { cwd: dir, env: denv });
    assert.equal(first.status, 0, first.stderr);
    const published = Number(/alerts published: (\d+)/.exec(first.stderr)?.[1]);
    assert.ok(published > 0, first.stderr);
    const again = await runCli(args, { cwd: dir, env: denv });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /alerts published: 0; matches already alerted \(not sent again\): \d+/);
  });

  it('refuses --publish without --topic-arn before any work (exit 2)', async () => {
    const run = await runCli(['replay', '--bucket', BUCKET, '--prefix', PREFIX, '--publish'], { cwd: dir, env: { ...env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' } });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--publish needs --topic-arn ARN/);
  });
});
