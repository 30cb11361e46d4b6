/**
 * The scanner's WebAssembly kernel: the committed binary is the current scanKernel.wat, and the scanner built on it
 * splits records exactly where JSON.parse does on strings built to land escapes and quotes on every position of a
 * 16-byte block, fed in chunks of every size.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GENERATED, generatedKernelModule } from '../../scripts/build-wasm.ts';
import { RecordScanner } from '../../lambda/cloudtrail/recordScanner.ts';
import { DATA, KEY_INDEX, newScanKernel, TABLE_SLOTS } from '../../lambda/cloudtrail/scanKernel.ts';

function records(input: string, chunk: number): unknown[] {
  const out: unknown[] = [];
  const scanner = new RecordScanner({ onRecord: (r) => out.push(JSON.parse(r.text())) });
  const buf = Buffer.from(input);
  for (let i = 0; i < buf.length; i += chunk) scanner.push(buf.subarray(i, i + chunk));
  scanner.end();
  return out;
}

describe('Scanner kernel (scanKernel.wat)', () => {
  it('is committed as built: run `npm run build:wasm` after editing scanKernel.wat', async () => {
    assert.equal(readFileSync(GENERATED, 'utf8'), await generatedKernelModule());
  });

  it('lays out its memory as scanKernel.ts does (key index, values table, then the scanned bytes)', () => {
    const layout = newScanKernel() as unknown as Record<'KEYS' | 'TABLE_SLOTS' | 'ARENA_END', { value: number }>;
    assert.deepEqual(
      { keys: layout.KEYS.value, tableSlots: layout.TABLE_SLOTS.value, arenaEnd: layout.ARENA_END.value },
      { keys: KEY_INDEX, tableSlots: TABLE_SLOTS, arenaEnd: DATA },
    );
  });

  it('splits records at the right place whatever a string holds where in a 16-byte block', () => {
    const tails = ['\\"', '\\\\', '\\\\\\"', '"}]', '\\u0022', '{[', '\u00e9\u20ac'];
    const list: unknown[] = [];
    for (let lead = 0; lead < 20; lead++) {
      for (const tail of tails) {
        list.push({ eventName: 'X'.repeat(lead), userAgent: `${'a'.repeat(lead)}${tail}${'b'.repeat(19 - lead)}`, requestParameters: { v: [`${tail}${'c'.repeat(lead)}`] } });
      }
    }
    const body = JSON.stringify({ Records: list });
    for (const chunk of [1, 5, 16, 17, 4096, body.length]) assert.deepEqual(records(body, chunk), list, `chunks of ${chunk}`);
  });

  it('reads a record larger than its first buffer, cut at every 64 KB', () => {
    const big = { eventName: 'PutBucketPolicy', requestParameters: { policy: 'p'.repeat(3_000_000), list: Array.from({ length: 5000 }, (_, i) => ({ i, s: `"${i}"` })) } };
    const small = { eventName: 'StopLogging' };
    assert.deepEqual(records(JSON.stringify({ Records: [small, big, small] }), 65536), [small, big, small]);
  });

  it('reports a record with more top-level keys than it can note, and goes no further', () => {
    const wide = `{"Records":[{${Array.from({ length: 70_000 }, (_, i) => `"k${i}":1`).join(',')}}]}`;
    assert.throws(() => records(wide, 65536), (err: Error & { kind?: string }) => err.kind === 'record-too-wide' && /more than 65536 top-level keys/.test(err.message));
  });
});
