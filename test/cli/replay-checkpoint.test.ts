/** The replay checkpoint: watermark, keys finished out of order, failures, identity, atomic writes. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpoint } from '../../cli/replay/checkpoint.ts';
import { UsageError } from '../../cli/exitCodes.ts';

const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-checkpoint-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const replay = { bucket: 'trail', prefix: 'AWSLogs/', since: '2025-03-01', accounts: ['2', '1'] };

describe('Class: Checkpoint', () => {
  it('moves the watermark over keys finished in order and keeps those finished ahead of a slow one', async () => {
    const path = join(dir, 'order.json');
    const cp = Checkpoint.fresh(path, replay);
    for (const k of ['a', 'b', 'c', 'd']) cp.started(k);
    cp.finished('a');
    cp.finished('c');
    cp.finished('d');
    await cp.flush();
    const loaded = Checkpoint.load(path, replay)!;
    assert.equal(loaded.watermark, 'a');
    assert.deepEqual(['b', 'c', 'd'].map((k) => loaded.isDone(k)), [false, true, true]);
    cp.finished('b');
    await cp.flush();
    const later = Checkpoint.load(path, replay)!;
    assert.equal(later.watermark, 'd');
    assert.equal(later.isDone('c'), false, 'keys under the watermark are not listed again, so they leave the set');
  });

  it('keeps failed keys with their reason until a retry succeeds', async () => {
    const path = join(dir, 'failed.json');
    const cp = Checkpoint.fresh(path, replay);
    cp.started('a');
    cp.started('b');
    cp.finished('a', 'truncated-gzip: gzip data ends early');
    cp.finished('b');
    await cp.flush();
    const loaded = Checkpoint.load(path, replay)!;
    assert.equal(loaded.watermark, 'b', 'a failed key still moves the watermark: it is retried from the failure list');
    assert.deepEqual(loaded.failures, [{ key: 'a', reason: 'truncated-gzip: gzip data ends early' }]);
    loaded.retried('a');
    assert.deepEqual(loaded.failedKeys, []);
  });

  it('refuses a checkpoint of another replay, and treats filter order as the same replay', () => {
    const path = join(dir, 'identity.json');
    Checkpoint.fresh(path, replay).flushSync();
    assert.ok(Checkpoint.load(path, { ...replay, accounts: ['1', '2'] }));
    assert.throws(() => Checkpoint.load(path, { ...replay, until: '2025-03-02' }), (err: unknown) => err instanceof UsageError && /belongs to another replay/.test(err.message));
  });

  it('returns undefined when there is no file, and names a damaged one', () => {
    assert.equal(Checkpoint.load(join(dir, 'missing.json'), replay), undefined);
    writeFileSync(join(dir, 'bad.json'), '{"version":1,');
    assert.throws(() => Checkpoint.load(join(dir, 'bad.json'), replay), /is not valid JSON.*remove it to start over/);
  });

  it('replaces the file by rename (no temporary file left) and removes it when the replay is done', async () => {
    const path = join(dir, 'atomic.json');
    const cp = Checkpoint.fresh(path, replay);
    cp.totals.objects = 3;
    await Promise.all([cp.flush(), cp.flush()]);
    assert.equal(existsSync(`${path}.tmp`), false);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).totals.objects, 3);
    await cp.remove();
    assert.equal(existsSync(path), false);
  });
});
