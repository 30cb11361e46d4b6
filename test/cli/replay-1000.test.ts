/**
 * replay over a thousand objects in moto S3, drawn on a terminal: the progress bar redraws with objects, records,
 * matches, MB/s and ETA, and the run ends with the same matches as `scan` over the same files.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { jsonLines, runCli } from '../helpers/cli.ts';
import { motoS3ClientConfig, skipUnlessMoto, startMoto } from '../helpers/moto.ts';
import type { MotoServer } from '../helpers/moto.ts';
import { replay } from '../../cli/commands/replay.ts';
import { BUCKET, CORRUPT_KEY, PREFIX, buildTrailFixture, matchId, motoEnv, uploadFixture, writeFixture } from './replay.fixture.ts';

describe('CLI: replay of 1,000 objects with a progress bar', { skip: skipUnlessMoto() }, () => {
  let moto: MotoServer;
  let dir: string;
  const saved = { ...process.env };

  before(async () => {
    moto = await startMoto();
    // The replay runs in this process (its stderr a fake terminal); its SDK clients and workers read this environment.
    Object.assign(process.env, motoEnv(moto.endpoint));
    dir = mkdtempSync(join(tmpdir(), 'ct-sigma-replay-1000-'));
    const objects = buildTrailFixture(42);
    const s3 = new S3Client(motoS3ClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await uploadFixture(s3, objects);
    writeFixture(join(dir, 'files'), objects);
  });
  after(async () => {
    process.env = saved;
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redraws its progress on a terminal and finds what scan finds', async () => {
    const drawn: string[] = [];
    const terminal = { isTTY: true, columns: 160, write: (s: string) => (drawn.push(s), true) } as unknown as NodeJS.WriteStream;
    const output = join(dir, 'replay.jsonl');
    const status = await replay({
      bucket: BUCKET, prefix: PREFIX, concurrency: 4, rules: [], minLevel: 'informational', strict: false, format: 'jsonl',
      output, resume: false, checkpoint: join(dir, 'replay.checkpoint.json'),
    }, { stderr: terminal });
    const text = drawn.join('');
    assert.equal(status, 1, text);

    const redraws = drawn.filter((d) => d.startsWith('\r\u001b[K['));
    assert.ok(redraws.length >= 3, `progress redrawn ${redraws.length} times`);
    assert.match(redraws.at(-1)!, /\] +\d+% \d+\/1009 objects · [\d.k]+ records · \d+ matches · (1 failed · )?[\d.]+ MB\/s · ETA \d+:\d\d/);
    assert.ok(redraws.every((r) => r.length - 4 < 160), 'each redraw fits the terminal');
    assert.match(text, /objects: 1008 read, 0 skipped, 1 failed/);
    assert.match(text, new RegExp(`failed s3://${BUCKET}/${CORRUPT_KEY}`));

    const scan = await runCli(['scan', join(dir, 'files'), '--format', 'jsonl']);
    const scanned = jsonLines(scan.stdout).map((m) => matchId(m, join(dir, 'files'))).sort();
    const replayed = jsonLines(readFileSync(output, 'utf8')).map((m) => matchId(m, `s3://${BUCKET}`)).sort();
    assert.ok(scanned.length > 0);
    assert.deepEqual(replayed, scanned);
  });
});
