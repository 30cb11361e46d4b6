/**
 * Top-level values already decoded, found again by their JSON text. The same principal makes call after call, so
 * most records repeat an eventName, eventSource, userAgent or userIdentity seen before: handing out the value
 * decoded the first time costs a hash of the bytes and one compare in the kernel (scanKernel.wat, `intern`), not a
 * decode or a parse, and the strings handed out are the same objects record after record (their hashes are kept,
 * so the candidate index's lookups by them are cheap too). A field whose values seldom repeat (requestParameters,
 * eventID) is decoded without the table for a while, so it does not crowd out the others. Values are shared
 * between records: readers must not mutate them.
 */
import { TABLE_CROWDED, TABLE_FULL, TABLE_SLOTS } from './scanKernel.ts';
import type { ScanKernel } from './scanKernel.ts';

/** Longer values are decoded every time: they rarely repeat, and would fill the table's arena. */
const VALUE_MAX = 4096;
/** Lookups between checks of a field's hit rate. */
const TRIAL = 1024;
/**
 * Lookups a field goes without the table after a trial where more than one value in four was new: values kept
 * for a while and then dropped when the table fills up are old-generation garbage (peak RSS, `npm run bench`).
 */
const REST = 16 * TRIAL;

/** A top-level value's JSON text decoded: a plain string (no escapes) without JSON.parse, anything else with it. */
export function decodeValue(buf: Buffer, start: number, end: number, plainString: boolean): unknown {
  return plainString ? buf.toString('utf8', start + 1, end - 1) : JSON.parse(buf.toString('utf8', start, end));
}

/** How often one field's values were found in the table. */
export class FieldUse {
  lookups = 0;
  hits = 0;
  /** Lookups left without the table (after a poor trial). */
  rest = 0;

  /** Counts a lookup; true while the field rests from the table. */
  resting(): boolean {
    if (this.lookups === TRIAL) {
      // A trial is over (every lookup of it counted, hit or not): rest when too few of its values repeated.
      if (this.hits * 4 < this.lookups * 3) this.rest = REST;
      this.lookups = 0;
      this.hits = 0;
    }
    if (this.rest > 0) {
      this.rest--;
      return true;
    }
    this.lookups++;
    return false;
  }
}

/** Tables made so far: each table, and each time one is emptied, takes the next number (see `generation`). */
let generations = 0;

/** The values of the texts in one kernel's table, by id. */
export class ValueTable {
  private readonly values: unknown[] = new Array<unknown>(TABLE_SLOTS).fill(undefined);
  /**
   * Names this table's ids: an id means the same text only under the same generation, which changes when the table
   * is emptied (and differs between tables).
   */
  generation = ++generations;

  constructor(private readonly kernel: ScanKernel) {}

  /**
   * The id of the JSON text [start, end) of `buf` (a view of the kernel's memory), adding the text when new; -1
   * when it is not kept (too long, a field whose values seldom repeat, a crowded hash).
   */
  id(use: FieldUse, buf: Buffer, start: number, end: number): number {
    if (end - start > VALUE_MAX) return -1;
    const at = buf.byteOffset + start;
    const length = end - start;
    // A resting field still finds the texts the table holds: only adding is what it rests from.
    if (use.resting()) {
      const known = this.kernel.intern(at, at + length, 0);
      return known >= 0 ? known : -1;
    }
    let id = this.kernel.intern(at, at + length, 1);
    if (id >= 0 && id < TABLE_SLOTS) {
      use.hits++;
      return id;
    }
    if (id === TABLE_FULL) {
      this.kernel.clearTable();
      this.generation = ++generations;
      id = this.kernel.intern(at, at + length, 1);
    }
    if (id === TABLE_CROWDED) return -1;
    // A new text: whatever its slot held before the table was last emptied is not its value.
    this.values[id - TABLE_SLOTS] = undefined;
    return id - TABLE_SLOTS;
  }

  /** The value of text `id` (the text [start, end) of `buf`), decoded the first time it is asked for. */
  value(id: number, buf: Buffer, start: number, end: number, plainString: boolean): unknown {
    let value = this.values[id];
    if (value === undefined) this.values[id] = value = decodeValue(buf, start, end, plainString);
    return value;
  }
}
