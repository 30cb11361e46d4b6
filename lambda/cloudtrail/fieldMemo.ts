/** Bytes of JSON text one field's memo holds before it starts over. */
const FIELD_MEMO_BYTES = 128 * 1024;
/** Larger values are parsed every time: they rarely repeat. */
const VALUE_MEMO_MAX = 4096;
/** Bytes sampled for a value's memo hash; equal hashes are confirmed by comparing every byte. */
const HASH_SAMPLES = 32;
/** Values kept per hash (different texts with the same samples); the oldest goes first. */
const HASH_CHAIN = 4;
/** Lookups between checks of a field's hit rate; a field whose values seldom repeat is decoded without the memo. */
const MEMO_TRIAL = 1024;
/** Lookups a field goes without the memo after a poor trial, before it is tried again. */
const MEMO_REST = 16 * MEMO_TRIAL;

interface Remembered {
  readonly bytes: Buffer;
  readonly value: unknown;
}

/**
 * Parsed object and array values of one top-level field, by their JSON bytes (the record scanner's lazy field
 * reads). The same principal makes call after call, so most records repeat a `userIdentity` already parsed: a rule
 * reading `userIdentity.type` on every record then costs a hash of a few sampled bytes and one native compare, not
 * a parse. A field whose values seldom repeat (`requestParameters`) stops using the memo for a while. Values are
 * shared between records: readers must not mutate them.
 */
export class FieldMemo {
  private readonly memo = new Map<number, Remembered[]>();
  private bytes = 0;
  private lookups = 0;
  private hits = 0;
  private rest = 0;

  value(buf: Buffer, start: number, end: number): unknown {
    const length = end - start;
    if (length > VALUE_MEMO_MAX || this.resting()) return JSON.parse(buf.toString('utf8', start, end));
    let h = length;
    const step = length > HASH_SAMPLES ? Math.floor(length / HASH_SAMPLES) : 1;
    for (let i = start; i < end; i += step) h = Math.imul(h ^ buf[i]!, 0x01000193); // FNV-1a over the samples
    const chain = this.memo.get(h);
    if (chain) {
      for (const r of chain) {
        if (r.bytes.length === length && buf.compare(r.bytes, 0, length, start, end) === 0) {
          this.hits++;
          return r.value;
        }
      }
    }
    const value: unknown = JSON.parse(buf.toString('utf8', start, end));
    if (this.bytes + length > FIELD_MEMO_BYTES) {
      this.memo.clear();
      this.bytes = 0;
    }
    // Its own memory, not a slice of the shared pool: a remembered value must not pin pool slabs.
    const bytes = Buffer.allocUnsafeSlow(length);
    buf.copy(bytes, 0, start, end);
    const remembered = { bytes, value };
    if (!chain) this.memo.set(h, [remembered]);
    else if (chain.push(remembered) > HASH_CHAIN) this.bytes -= chain.shift()!.bytes.length;
    this.bytes += length;
    return value;
  }

  /** Counts a lookup; true while the field rests from the memo after a trial where most values were new. */
  private resting(): boolean {
    if (this.rest > 0) {
      this.rest--;
      return true;
    }
    if (++this.lookups < MEMO_TRIAL) return false;
    if (this.hits * 2 < this.lookups) {
      this.rest = MEMO_REST;
      this.memo.clear();
      this.bytes = 0;
    }
    this.lookups = 0;
    this.hits = 0;
    return this.rest > 0;
  }
}
