import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATA, newScanKernel, PAGE, TABLE_ABSENT } from '../../lambda/cloudtrail/scanKernel.ts';
import { FieldUse, ValueTable } from '../../lambda/cloudtrail/valueTable.ts';

/** A kernel with `texts` written one after another in its memory where scanned bytes go, and their ranges. */
function kernelHolding(texts: string[]) {
  const kernel = newScanKernel();
  const bytes = Buffer.from(texts.join(''));
  const need = DATA + bytes.length + 16;
  if (kernel.memory.buffer.byteLength < need) kernel.memory.grow(Math.ceil((need - kernel.memory.buffer.byteLength) / PAGE));
  const buf = Buffer.from(kernel.memory.buffer, DATA, bytes.length);
  bytes.copy(buf);
  let at = 0;
  const ranges = texts.map((t) => {
    const r = { start: at, end: at + Buffer.byteLength(t) };
    at = r.end;
    return r;
  });
  return { kernel, buf, ranges };
}

describe('Class: ValueTable', () => {
  it('names a text by its bytes: the same id again, another id for another text', () => {
    const { kernel, buf, ranges } = kernelHolding(['"a"', '"b"', '"a"']);
    const table = new ValueTable(kernel);
    const use = new FieldUse();
    const [a, b, again] = ranges.map((r) => table.id(use, buf, r.start, r.end));
    assert.ok(a! >= 0 && b! >= 0);
    assert.notEqual(a, b);
    assert.equal(again, a);
    assert.equal(table.value(a!, buf, ranges[0]!.start, ranges[0]!.end, true), 'a');
  });

  it('a field resting from the table (its values seldom repeat) still finds the texts the table holds, and adds none', () => {
    // A trial of 1,024 new values ("known" and 1,023 others) makes the field rest.
    const fresh = Array.from({ length: 1023 }, (_, i) => `"v${i}"`);
    const { kernel, buf, ranges } = kernelHolding(['"known"', ...fresh, '"known"', '"new"', '"new"']);
    const table = new ValueTable(kernel);
    const use = new FieldUse();
    const ids = ranges.slice(0, 1024).map((r) => table.id(use, buf, r.start, r.end));
    assert.ok(ids.every((id) => id >= 0), 'the trial adds its values');
    const [known, first, second] = ranges.slice(1024).map((r) => table.id(use, buf, r.start, r.end));
    assert.equal(known, ids[0], 'a text the table holds keeps its id while the field rests');
    assert.equal(first, -1, 'a new text is not named while the field rests');
    assert.equal(second, -1, 'nor added: its repeat is not named either');
    const n = ranges[1025]!;
    assert.equal(kernel.intern(buf.byteOffset + n.start, buf.byteOffset + n.end, 0), TABLE_ABSENT);
  });
});
