/** The replay progress line: counts, rate and ETA; a bar that fits the terminal; plain lines in pipes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { duration, eta, progressLine } from '../../cli/replay/progress.ts';
import type { ProgressCounts } from '../../cli/replay/progress.ts';
import { Reporter } from '../../cli/output.ts';

const counts = (over: Partial<ProgressCounts> = {}): ProgressCounts => ({
  objectsDone: 250, bytesDone: 50e6, records: 123_456, matches: 7, failed: 0,
  total: { objects: 1000, bytes: 200e6, complete: true }, elapsedSeconds: 10, ...over,
});

/** Enough of a stderr stream for the Reporter: what was written, and whether it is a terminal. */
function fakeStderr(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('Function: progressLine()', () => {
  it('shows objects, records, matches, MB/s and the ETA from the byte rate', () => {
    assert.equal(progressLine(counts()), 'replay: 250/1000 objects · 123.5k records · 7 matches · 5.0 MB/s · ETA 0:30');
  });

  it('says the total is still growing while the counting listing runs, with no ETA yet', () => {
    const line = progressLine(counts({ total: { objects: 400, bytes: 80e6, complete: false }, failed: 2 }));
    assert.equal(line, 'replay: 250/400+ (listing) objects · 123.5k records · 7 matches · 2 failed · 5.0 MB/s · ETA ?');
  });

  it('draws a bar on a terminal and never passes its width', () => {
    assert.match(progressLine(counts(), 200), /^\[#####\.{15}\]  25% 250\/1000 objects/);
    const narrow = progressLine(counts(), 40);
    assert.ok(narrow.length < 40 && narrow.endsWith('…'), narrow);
  });

  it('formats durations and has no ETA before any byte is read', () => {
    assert.deepEqual([duration(5), duration(65), duration(3723)], ['0:05', '1:05', '1:02:03']);
    assert.equal(eta(counts({ bytesDone: 0 })), undefined);
  });
});

describe('Class: Reporter progress', () => {
  it('redraws one line in place on a terminal and clears it before other messages', () => {
    const err = fakeStderr(true);
    const r = new Reporter(undefined, err.stream);
    r.progress('one');
    r.warn('failed s3://b/k: bad-gzip');
    assert.deepEqual(err.chunks, ['\r\u001b[Kone', '\r\u001b[K', 'failed s3://b/k: bad-gzip\n']);
    assert.equal(r.terminalWidth, 100);
  });

  it('prints plain lines at most every two seconds in a pipe, the first after two seconds', () => {
    const err = fakeStderr(false);
    const r = new Reporter(undefined, err.stream);
    for (let i = 0; i < 50; i++) r.progress(`line ${i}`);
    assert.deepEqual(err.chunks, [], 'a run shorter than the interval prints only its summary');
    assert.equal(r.terminalWidth, undefined);
  });
});
