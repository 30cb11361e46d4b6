/**
 * Splits a stream of decompressed bytes into CloudTrail records without parsing them: memory is bounded by the
 * largest record, not the file. Accepts a delivery `{"Records":[…]}`, a bare array of records, one record, and
 * NDJSON / concatenated JSON values (each of those forms again).
 *
 * The scanner tracks JSON strings exactly (quotes, escapes), so text inside a string value, such as a user agent
 * reading `"eventName":"StopLogging"`, can never start, end or forge a record or a top-level field. For each
 * record it notes where its top-level keys and values are, so a rule can read one field without parsing the rest.
 * The inside of each object is walked by a small WebAssembly kernel (scanKernel.wat, strings 16 bytes at a time);
 * this file keeps the outer structure (a delivery, an array, NDJSON), the errors and the lazy field reads.
 */
import { RecordStreamError } from './errors.ts';
import type { RecordView } from '../sigma/recordView.ts';
import type { FieldPath } from '../sigma/loader.ts';
import { ABSENT_VALUE_ID, ownValue } from '../sigma/recordView.ts';
import {
  CAPTURE, DATA, DOTTED_KEY, EXPECT_COLON, EXPECT_KEY, EXPECT_VALUE, FLAG_KEY_ESCAPED, FLAG_VALUE_ESCAPED, KERNEL_DONE,
  KERNEL_NEED_MORE, KERNEL_TOO_LARGE, KERNEL_TOO_WIDE, KERNEL_UNEXPECTED, KEY_ESCAPED, KEY_INDEX, KEY_INDEX_SIZE,
  KEYS_UNINDEXED, MAX_KEYS, newScanKernel, PAGE,
  keyHash, SLACK, SLOT, SLOT_HASH, STATE_BYTES, TOO_DEEP,
} from './scanKernel.ts';
import type { ScanKernel } from './scanKernel.ts';
import { decodeValue, FieldUse, ValueTable } from './valueTable.ts';

const BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Records nested deeper than this are reported, not evaluated: CloudTrail nests about ten levels, and recursive
 * code on a record thousands of levels deep (JSON.stringify, the rule walk) would exhaust the stack.
 */
export const MAX_NESTING = 100;

/** Records larger than this are reported as errors instead of growing memory without bound. */
export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const NEED_MORE = -1;

/** Room for bytes at first: a chunk and a cut record; grows for larger ones. */
const INITIAL_DATA_BYTES = 512 * 1024;

/** A top-level field name asked for: its bytes and hash, and how often its values repeat (one lookup for both). */
interface TopLevelKey {
  readonly bytes: Buffer;
  /** As the kernel hashes keys (keyHash). */
  readonly hash: number;
  readonly use: FieldUse;
}

function newTopLevelKey(key: string): TopLevelKey {
  const bytes = Buffer.from(key, 'utf8');
  return { bytes, hash: keyHash(bytes), use: new FieldUse() };
}

/** A key as JSON text without escapes writes it, `"key"`, for a printable ASCII key; undefined for any other. */
function quoted(key: string): Buffer | undefined {
  return /^[\x20-\x7e]*$/.test(key) && !/["\\]/.test(key) ? Buffer.from(`"${key}"`, 'latin1') : undefined;
}

/**
 * What a nested path's walk below its top-level value looks for, as the value's text would write it without
 * escapes: its next key, and the literal dotted rest of the path (tried first as one key). Null when either needs
 * an escape, or could be spelled by invalid UTF-8 (non-ASCII): the text then cannot tell.
 */
interface PathKeys {
  readonly next: Buffer;
  readonly rest: Buffer | undefined;
}
/** By path: rules' paths are interned (fieldPath), so this is a bounded set. */
const pathKeysCache = new Map<FieldPath, PathKeys | null>();
function pathKeys(path: FieldPath): PathKeys | null {
  let keys = pathKeysCache.get(path);
  if (keys === undefined) {
    const next = quoted(path.segments[1]!);
    const rest = path.segments.length > 2 ? quoted(path.suffixes[1]!) : undefined;
    keys = next && (path.segments.length === 2 || rest) ? { next, rest } : null;
    pathKeysCache.set(path, keys);
  }
  return keys;
}

/**
 * One record found by the scanner. Valid only during the `onRecord` call it is passed to (the scanner reuses it).
 * Implements RecordView: `get` parses just the top-level value asked for.
 */
export class ScannedRecord implements RecordView {
  /** 0-based position of the record in its source. */
  index = 0;
  /** Nested deeper than MAX_NESTING: to be reported, not evaluated. */
  tooDeep = false;
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private slots: Int32Array = new Int32Array(0);
  /** The kernel's key index of this record, or undefined when it does not hold the record's keys. */
  private keyIndex: Int32Array | undefined;
  private keyCount = 0;
  private anyKeyEscaped = false;
  /** Whether some top-level key contains a dot (else a dotted path never names a literal top-level key). */
  private anyDottedKey = false;
  private parsed: unknown = undefined;
  /** Parsed top-level values by key slot; undefined until read (JSON has no undefined). */
  private values: unknown[] = [];
  /** Ids of top-level values in the values table by key slot, under table generation `idGeneration`. */
  private ids: number[] = [];
  private idsGeneration = 0;
  private nameSlot = -1;
  private sourceSlot = -1;
  /** The top-level fields rules and the pipeline ask for (a bounded set). */
  private readonly keys = new Map<string, TopLevelKey>();
  private readonly nameKey = this.topLevelKey('eventName');
  private readonly sourceKey = this.topLevelKey('eventSource');

  /** `table`: the values table of the kernel whose memory holds the records. */
  constructor(private readonly table: ValueTable) {}

  /** @internal called by the scanner */
  reset(buf: Buffer, start: number, end: number, slots: Int32Array, keyIndex: Int32Array | undefined, keyCount: number, anyKeyEscaped: boolean, anyDottedKey: boolean, index: number, nameSlot: number, sourceSlot: number): void {
    this.keyIndex = keyIndex;
    this.anyDottedKey = anyDottedKey;
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.slots = slots;
    this.keyCount = keyCount;
    this.anyKeyEscaped = anyKeyEscaped;
    this.index = index;
    this.parsed = undefined;
    this.nameSlot = nameSlot;
    this.sourceSlot = sourceSlot;
    if (this.values.length) this.values.length = 0;
    if (this.ids.length) this.ids.length = 0;
  }

  /** `eventName`, found while scanning (the candidate index reads it for every record). */
  eventName(): unknown {
    return this.anyKeyEscaped ? this.get('eventName') : this.slotValue(this.nameSlot, this.nameKey);
  }

  /** `eventSource`, found while scanning. */
  eventSource(): unknown {
    return this.anyKeyEscaped ? this.get('eventSource') : this.slotValue(this.sourceSlot, this.sourceKey);
  }

  /** The record's JSON text. */
  text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }

  /** The whole record, parsed once. Throws SyntaxError for invalid JSON. */
  root(): unknown {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.text());
    return this.parsed;
  }

  private topLevelKey(key: string): TopLevelKey {
    let f = this.keys.get(key);
    if (!f) this.keys.set(key, (f = newTopLevelKey(key)));
    return f;
  }

  private findKey(key: TopLevelKey): number {
    const { bytes, hash } = key;
    const s = this.slots;
    const index = this.keyIndex;
    if (index) {
      // Each hash is there once at most (else the kernel drops the index): a key with this hash is the only one.
      for (let i = hash & (KEY_INDEX_SIZE - 1); ; i = (i + 1) & (KEY_INDEX_SIZE - 1)) {
        const k = index[i]! - 1;
        if (k < 0) return -1;
        if (s[k * SLOT + SLOT_HASH] === hash) return this.keyIs(k, bytes) ? k : -1;
      }
    }
    // Last occurrence wins, as in JSON.parse.
    for (let k = this.keyCount - 1; k >= 0; k--) if (s[k * SLOT + SLOT_HASH] === hash && this.keyIs(k, bytes)) return k;
    return -1;
  }

  /** Whether slot k's key, as written (escapes not decoded), is these bytes. */
  private keyIs(k: number, kb: Buffer): boolean {
    const o = k * SLOT;
    const ks = this.start + this.slots[o]!;
    if (this.start + this.slots[o + 1]! - ks !== kb.length) return false;
    for (let i = 0; i < kb.length; i++) if (this.buf[ks + i] !== kb[i]) return false;
    return true;
  }

  /** The top-level value `key`, parsed on first use; undefined when absent. */
  get(key: string): unknown {
    if (this.anyKeyEscaped || this.parsed !== undefined) {
      const root = this.root();
      return root !== null && typeof root === 'object' ? ownValue(root, key) : undefined;
    }
    if (!this.anyDottedKey && key.includes('.')) return undefined;
    const tk = this.topLevelKey(key);
    return this.slotValue(this.findKey(tk), tk);
  }

  private slotValue(k: number, key: TopLevelKey): unknown {
    if (k < 0) return undefined;
    const cached = this.values[k];
    if (cached !== undefined) return cached;
    const o = k * SLOT;
    const vs = this.start + this.slots[o + 2]!;
    const ve = this.start + this.slots[o + 3]!;
    const plainString = this.buf[vs] === QUOTE && (this.slots[o + 4]! & FLAG_VALUE_ESCAPED) === 0;
    const id = this.slotId(k, key);
    const value = id < 0 ? decodeValue(this.buf, vs, ve, plainString) : this.table.value(id, this.buf, vs, ve, plainString);
    this.values[k] = value;
    return value;
  }

  /** The values table's name for the text of slot k (-1: not kept there). */
  private slotId(k: number, key: TopLevelKey): number {
    const table = this.table;
    if (this.idsGeneration !== table.generation) this.forgetIds();
    let id = this.ids[k];
    if (id === undefined) {
      const o = k * SLOT;
      id = table.id(key.use, this.buf, this.start + this.slots[o + 2]!, this.start + this.slots[o + 3]!);
      // Adding the text may have emptied the table: the ids noted before are then void.
      if (this.idsGeneration !== table.generation) this.forgetIds();
      this.ids[k] = id;
    }
    return id;
  }

  private forgetIds(): void {
    this.ids.length = 0;
    this.idsGeneration = this.table.generation;
  }

  /** See RecordView.valueId: names the value by its text in the values table. */
  valueId(key: string): number {
    if (this.anyKeyEscaped || this.anyDottedKey) return -1;
    const tk = this.topLevelKey(key);
    const k = this.findKey(tk);
    return k < 0 ? ABSENT_VALUE_ID : this.slotId(k, tk);
  }

  get idGeneration(): number {
    return this.table.generation;
  }

  /**
   * The JSON text of every top-level value under `key`, in order (keys compared as JSON.parse decodes them).
   * Views of the scanner's buffer, valid during this record's callback.
   */
  rawValues(key: string): Buffer[] {
    const kb = this.topLevelKey(key).bytes;
    const s = this.slots;
    const buf = this.buf;
    const out: Buffer[] = [];
    for (let k = 0; k < this.keyCount; k++) {
      const o = k * SLOT;
      const same = (s[o + 4]! & FLAG_KEY_ESCAPED) !== 0
        ? JSON.parse(buf.toString('utf8', this.start + s[o]! - 1, this.start + s[o + 1]! + 1)) === key
        : this.keyIs(k, kb);
      if (same) out.push(buf.subarray(this.start + s[o + 2]!, this.start + s[o + 3]!));
    }
    return out;
  }

  /**
   * See RecordView.mayReach. Without a backslash in the top-level value's text, a key inside it is written exactly
   * as `"key"`: when neither the next segment nor the literal dotted rest of the path is written so, the path
   * reaches nothing (a string, number or object without that key) and the value need not be parsed.
   */
  mayReach(path: FieldPath): boolean {
    if (this.anyKeyEscaped || this.anyDottedKey || this.parsed !== undefined) return true;
    const keys = pathKeys(path);
    if (!keys) return true;
    const k = this.findKey(this.topLevelKey(path.segments[0]!));
    if (k < 0 || this.values[k] !== undefined) return true;
    const o = k * SLOT;
    const value = this.buf.subarray(this.start + this.slots[o + 2]!, this.start + this.slots[o + 3]!);
    return value.indexOf(keys.next) >= 0 || (keys.rest !== undefined && value.indexOf(keys.rest) >= 0) || value.indexOf(BACKSLASH) >= 0;
  }

  /** Whether the record has this top-level key (no value parsing). */
  has(key: string): boolean {
    if (this.anyKeyEscaped) return this.get(key) !== undefined;
    return this.findKey(this.topLevelKey(key)) >= 0;
  }
}

type Mode =
  | 'top' // between top-level values
  | 'wrapper-key' // inside a top-level object, before its first key
  | 'wrapper-next-key' // after a `,` in a top-level object: a key
  | 'wrapper-colon'
  | 'wrapper-value'
  | 'wrapper-after-value' // after a non-Records value: `,` or `}`
  | 'array-element' // inside a records array, expecting an element (or `]` when empty)
  | 'array-next-element' // after a `,` in a records array: an element
  | 'array-after-element'; // expecting `,` or `]`

export interface ScannerEvents {
  /** A record; the object is reused after the call returns. */
  onRecord(record: ScannedRecord): void;
  /**
   * A top-level JSON object without "Records" was read whole (one record, or an NDJSON line): return to treat it
   * as a record, or throw to reject it (a digest file, JSON that is not CloudTrail…).
   */
  classifyTopObject?(record: ScannedRecord): void;
}

/** Streaming scanner; feed it with push() and finish with end(). */
export class RecordScanner {
  /** A kernel for the arrays of top-level objects read whole (topObject), made once and reused. */
  private subKernel: ScanKernel | undefined;
  /** Views of the kernel's memory, renewed when it grows. */
  private heap = new Uint8Array(0);
  private state = new Int32Array(0);
  private slots: Int32Array = new Int32Array(0);
  private keyIndex = new Int32Array(0);
  /** The bytes not yet consumed (a view of the kernel's memory from DATA). */
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute stream offset of buf[0], for error messages. */
  private base = 0;
  private pos = 0;
  private mode: Mode = 'top';
  /** Whether the current array is a wrapper's Records (true) or a bare top-level array (false). */
  private inWrapper = false;
  private currentKeyIsRecords = false;
  private recordIndex = 0;
  private readonly record: ScannedRecord;
  // Resumable state of the object being scanned.
  private objStart = -1;
  private objPos = 0;
  private objDepth = 0;
  private objKeys = 0;
  /** The kernel's flags for the object (EXPECT_KEY, KEY_ESCAPED…). */
  private objFlags = 0;
  /** How far the kernel already checked the token it stopped at (state word 7), so it is not checked again. */
  private objResume = 0;
  private objNameSlot = -1;
  private objSourceSlot = -1;
  private objTop = false;
  private skipping = false;
  private bomChecked = false;
  /** end() was called: what is undecided for lack of input is decided now. */
  private ended = false;
  private sawValue = false;

  /**
   * `streamOffset`: where the first byte pushed lies in the whole stream, for error messages. `kernel`: an
   * instance no other scanner is using (its memory holds this scanner's bytes).
   */
  constructor(
    private readonly events: ScannerEvents,
    private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
    streamOffset = 0,
    private readonly kernel = newScanKernel(),
  ) {
    this.base = streamOffset;
    this.record = new ScannedRecord(new ValueTable(kernel));
    this.reserve(INITIAL_DATA_BYTES);
  }

  /** Number of records delivered so far. */
  get records(): number {
    return this.recordIndex;
  }

  /** Whether any top-level JSON value was seen (false for empty or whitespace-only input). */
  get sawContent(): boolean {
    return this.sawValue;
  }

  /**
   * Appends a chunk to the bytes not yet consumed (moved to the front first: a record cut by the previous chunk
   * boundary, or nothing) and scans on. Memory stays bounded by the largest record plus a chunk.
   */
  push(chunk: Buffer): void {
    const keep = this.objStart >= 0 ? Math.min(this.objStart, this.pos) : this.pos;
    const rest = this.buf.length - keep;
    const length = rest + chunk.length;
    if (keep > 0 && rest > 0) this.heap.copyWithin(DATA, DATA + keep, DATA + this.buf.length);
    this.reserve(length);
    this.heap.set(chunk, DATA + rest);
    this.buf = Buffer.from(this.heap.buffer, DATA, length);
    this.base += keep;
    this.pos -= keep;
    if (this.objStart >= 0) {
      this.objStart -= keep;
      this.objPos -= keep;
    }
    if (this.checkBom()) this.run();
  }

  /** Grows the kernel's memory to hold `length` bytes of data, renewing the views of it. */
  private reserve(length: number): void {
    const memory = this.kernel.memory;
    const need = DATA + length + SLACK;
    if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
    if (this.heap.buffer !== memory.buffer) {
      this.heap = new Uint8Array(memory.buffer);
      this.state = new Int32Array(memory.buffer, 0, STATE_BYTES / 4);
      this.slots = new Int32Array(memory.buffer, STATE_BYTES, MAX_KEYS * SLOT);
      this.keyIndex = new Int32Array(memory.buffer, KEY_INDEX, KEY_INDEX_SIZE);
      this.buf = Buffer.from(memory.buffer, DATA, this.buf.length);
    }
  }

  /** Skips a UTF-8 byte order mark at the very start; false while the first bytes could still be the start of one. */
  private checkBom(): boolean {
    if (this.bomChecked || this.base !== 0) return true;
    const seen = Math.min(this.buf.length, BOM.length);
    for (let i = 0; i < seen; i++) {
      if (this.buf[i] !== BOM[i]) {
        this.bomChecked = true;
        return true;
      }
    }
    if (seen < BOM.length && !this.ended) return false;
    this.bomChecked = true;
    if (seen === BOM.length) this.pos = BOM.length;
    return true;
  }

  /** Call at end of input: throws if the input stopped inside a value. */
  end(): void {
    this.ended = true;
    this.checkBom();
    this.run();
    if (this.objStart >= 0 || this.mode !== 'top') {
      throw this.error('truncated', 'input ends inside a JSON value (file cut short?)');
    }
  }

  private error(kind: string, message: string, at = this.pos): RecordStreamError {
    return new RecordStreamError(kind, message, this.base + at);
  }

  private describe(c: number | undefined): string {
    if (c === undefined) return 'end of input';
    return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
  }

  private run(): void {
    const buf = this.buf;
    for (;;) {
      if (this.objStart >= 0) {
        const end = this.scanObject();
        if (end === NEED_MORE) {
          // Checked here too: inside one long string or number the scan never reaches its per-token check.
          if (this.buf.length - this.objStart > this.maxRecordBytes) throw this.tooLarge();
          return;
        }
        this.finishObject(end);
        continue;
      }
      let p = this.pos;
      while (p < buf.length && isWs(buf[p]!)) p++;
      this.pos = p;
      if (p >= buf.length) return;
      const c = buf[p]!;
      switch (this.mode) {
        case 'top':
          this.sawValue = true;
          if (c === OPEN_BRACKET) {
            this.mode = 'array-element';
            this.inWrapper = false;
            this.pos = p + 1;
          } else if (c === OPEN_BRACE) {
            // Peek at the first key: a delivery starts with "Records"; anything else is read as one object.
            const peek = this.peekFirstKey(p);
            if (peek === NEED_MORE) {
              if (buf.length - p > this.maxRecordBytes) throw this.error('record-too-large', `the first key of a top-level object is larger than ${this.maxRecordBytes} bytes`, p);
              return;
            }
            if (peek === 1) {
              this.mode = 'wrapper-key';
              this.pos = p + 1;
            } else {
              this.beginObject(p, true, false);
            }
          } else {
            throw this.error('not-json', `expected a JSON object or array of CloudTrail records, found ${this.describe(c)}`);
          }
          break;
        case 'wrapper-key':
        case 'wrapper-next-key':
          if (c === CLOSE_BRACE && this.mode === 'wrapper-key') {
            this.mode = 'top';
            this.pos = p + 1;
          } else if (c === QUOTE) {
            const end = this.stringEnd(p);
            // The limit holds whether or not a chunk boundary cuts the key.
            if ((end === NEED_MORE ? buf.length : end) - p > this.maxRecordBytes) throw this.error('record-too-large', `a key of the delivery object is larger than ${this.maxRecordBytes} bytes`, p);
            if (end === NEED_MORE) return;
            this.currentKeyIsRecords = this.isRecordsKey(p, end);
            this.mode = 'wrapper-colon';
            this.pos = end;
          } else {
            throw this.error('not-json', `expected a key in the delivery object, found ${this.describe(c)}`);
          }
          break;
        case 'wrapper-colon':
          if (c !== COLON) throw this.error('not-json', `expected ':' after a key, found ${this.describe(c)}`);
          this.mode = 'wrapper-value';
          this.pos = p + 1;
          break;
        case 'wrapper-value':
          if (this.currentKeyIsRecords) {
            if (c !== OPEN_BRACKET) throw this.error('no-records', `"Records" is not an array (found ${this.describe(c)})`);
            this.mode = 'array-element';
            this.inWrapper = true;
            this.pos = p + 1;
          } else {
            this.beginObject(p, false, true);
          }
          break;
        case 'wrapper-after-value':
          if (c === COMMA) this.mode = 'wrapper-next-key';
          else if (c === CLOSE_BRACE) this.mode = 'top';
          else throw this.error('not-json', `expected ',' or '}' in the delivery object, found ${this.describe(c)}`);
          this.pos = p + 1;
          break;
        case 'array-element':
        case 'array-next-element':
          if (c === CLOSE_BRACKET && this.mode === 'array-element') {
            this.closeArray(p);
          } else if (c === OPEN_BRACE) {
            this.beginObject(p, false, false);
          } else {
            throw this.error('not-record', `record ${this.recordIndex} is not a JSON object (found ${this.describe(c)})`);
          }
          break;
        case 'array-after-element':
          if (c === COMMA) {
            this.mode = 'array-next-element';
            this.pos = p + 1;
          } else if (c === CLOSE_BRACKET) {
            this.closeArray(p);
          } else {
            throw this.error('not-json', `expected ',' or ']' after record ${this.recordIndex - 1}, found ${this.describe(c)}`);
          }
          break;
      }
    }
  }

  private closeArray(p: number): void {
    this.mode = this.inWrapper ? 'wrapper-after-value' : 'top';
    this.pos = p + 1;
  }

  /** 1 if the object at p starts with the key "Records", 0 if not, NEED_MORE if undecided (more input may come). */
  private peekFirstKey(p: number): number {
    const buf = this.buf;
    let q = p + 1;
    while (q < buf.length && isWs(buf[q]!)) q++;
    if (q >= buf.length) return this.ended ? 0 : NEED_MORE;
    if (buf[q] !== QUOTE) return 0;
    const end = this.stringEnd(q);
    if (end === NEED_MORE) return this.ended ? 0 : NEED_MORE;
    return this.isRecordsKey(q, end) ? 1 : 0;
  }

  /** Whether the key string at [p, end) is "Records" (escapes decoded, as JSON.parse would). */
  private isRecordsKey(p: number, end: number): boolean {
    const buf = this.buf;
    if (end - p === 9 && buf.toString('latin1', p + 1, end - 1) === 'Records') return true;
    // Only an escape can make other bytes spell "Records"; the search stays inside the key (a search to the end of
    // the buffer, once per record, made one large chunk of NDJSON quadratic).
    if (buf.subarray(p, end).indexOf(BACKSLASH) < 0) return false;
    try {
      return JSON.parse(buf.toString('utf8', p, end)) === 'Records';
    } catch {
      return false;
    }
  }

  /** Position just after the closing quote of the string starting at p, or NEED_MORE. */
  private stringEnd(p: number): number {
    const buf = this.buf;
    const len = buf.length;
    let j = p + 1;
    for (;;) {
      while (j < len) {
        const c = buf[j]!;
        if (c === QUOTE || c === BACKSLASH) break;
        j++;
      }
      if (j >= len) return NEED_MORE;
      if (buf[j] === QUOTE) return j + 1;
      j += 2;
    }
  }

  /** Starts scanning an object at p: a record (capturing its keys), or a wrapper value to skip. */
  private beginObject(p: number, top: boolean, skip: boolean): void {
    this.objStart = p;
    this.objTop = top;
    this.skipping = skip;
    if (skip && this.buf[p] !== OPEN_BRACE && this.buf[p] !== OPEN_BRACKET) {
      // A scalar value in the wrapper: a string, number, true/false/null.
      this.objPos = p;
      this.objDepth = 0;
      return;
    }
    this.objPos = p + 1;
    this.objDepth = 1;
    this.objKeys = 0;
    this.objFlags = EXPECT_KEY | (skip ? 0 : CAPTURE);
    this.objResume = 0;
    this.objNameSlot = -1;
    this.objSourceSlot = -1;
  }

  /**
   * Continues scanning the current object in the kernel (scanKernel.wat); returns the position after its end, or
   * NEED_MORE. Only depth-1 structure is checked (keys are strings, then ':'); nested values are parsed when read.
   */
  private scanObject(): number {
    if (this.objDepth === 0) return this.scanScalarValue();
    const st = this.state;
    st[0] = DATA + this.objPos;
    st[1] = DATA + this.objStart;
    st[2] = this.objDepth;
    st[3] = this.objKeys;
    st[4] = this.objFlags;
    st[5] = this.objNameSlot;
    st[6] = this.objSourceSlot;
    st[7] = this.objResume;
    const status = this.kernel.scanObject(DATA + this.buf.length, Math.min(DATA + this.objStart + this.maxRecordBytes - 1, 0x7fffffff), MAX_NESTING);
    this.objPos = st[0]! - DATA;
    this.objDepth = st[2]!;
    this.objKeys = st[3]!;
    this.objFlags = st[4]!;
    this.objNameSlot = st[5]!;
    this.objSourceSlot = st[6]!;
    this.objResume = st[7]!;
    switch (status) {
      case KERNEL_DONE:
        return this.objPos;
      case KERNEL_NEED_MORE:
        return NEED_MORE;
      case KERNEL_UNEXPECTED:
        throw this.error('not-json', `expected ${this.expected()} in record ${this.recordIndex}, found ${this.describe(this.buf[this.objPos])}`, this.objPos);
      case KERNEL_TOO_LARGE:
        throw this.tooLarge();
      case KERNEL_TOO_WIDE:
        throw this.error('record-too-wide', `record ${this.recordIndex} has more than ${MAX_KEYS} top-level keys`, this.objStart);
      default:
        throw this.error('not-json', `control character ${this.describe(this.buf[this.objPos])} inside a string of record ${this.recordIndex}`, this.objPos);
    }
  }

  /** The current record, or the delivery-object value being skipped, is over the limit. */
  private tooLarge(at = this.objStart): RecordStreamError {
    const what = this.skipping ? 'a value of the delivery object' : `record ${this.recordIndex}`;
    return this.error('record-too-large', `${what} is larger than ${this.maxRecordBytes} bytes`, at);
  }

  /** What the top level of the current record expected where the kernel stopped. */
  private expected(): string {
    const flags = this.objFlags;
    if (flags & EXPECT_KEY) return this.objKeys === 0 ? "a quoted key or '}'" : 'a quoted key';
    if (flags & EXPECT_COLON) return "':' after a key";
    if (flags & EXPECT_VALUE) return 'a value';
    return "',' or '}'";
  }

  /** A scalar value of a wrapper key (skipped); returns its end or NEED_MORE. */
  private scanScalarValue(): number {
    const buf = this.buf;
    const p = this.objPos;
    if (buf[p] === QUOTE) return this.stringEnd(p);
    let q = p;
    while (q < buf.length) {
      const d = buf[q]!;
      if (d === COMMA || d === CLOSE_BRACE || isWs(d)) return q;
      q++;
    }
    return NEED_MORE;
  }

  private finishObject(end: number): void {
    const start = this.objStart;
    this.objStart = -1;
    this.pos = end;
    if (this.skipping) {
      // The limit holds whether or not a chunk boundary cuts the value (the kernel checks only where it stops).
      if (end - start > this.maxRecordBytes) throw this.tooLarge(start);
      this.mode = 'wrapper-after-value';
      return;
    }
    const rec = this.record;
    const flags = this.objFlags;
    const indexed = this.objKeys > 0 && (flags & KEYS_UNINDEXED) === 0;
    rec.reset(this.buf, start, end, this.slots, indexed ? this.keyIndex : undefined, this.objKeys, (flags & KEY_ESCAPED) !== 0, (flags & DOTTED_KEY) !== 0, this.recordIndex, this.objNameSlot, this.objSourceSlot);
    rec.tooDeep = (flags & TOO_DEEP) !== 0;
    if (this.objTop) {
      this.mode = 'top';
      if (this.topObject(rec, start)) return;
    } else {
      this.mode = 'array-after-element';
    }
    this.recordIndex++;
    this.events.onRecord(rec);
  }

  /**
   * A whole top-level object: a delivery whose "Records" key is not the first (its arrays are re-scanned from their
   * own bytes; returns true), or one record for classifyTopObject. Invalid JSON read here is a stream error.
   */
  private topObject(rec: ScannedRecord, at: number): boolean {
    let arrays: Buffer[];
    try {
      arrays = rec.rawValues('Records');
    } catch (err) {
      if (err instanceof SyntaxError) throw this.error('not-json', `top-level object is not valid JSON: ${err.message}`, at);
      throw err;
    }
    if (!arrays.length) {
      this.events.classifyTopObject?.(rec);
      return false;
    }
    // Every "Records" array is read (JSON.parse would keep the last): a second key must not hide the first's records.
    for (const records of arrays) {
      if (records[0] !== OPEN_BRACKET) throw this.error('no-records', '"Records" is not an array', at);
      const sub = new RecordScanner({
        onRecord: (r) => {
          r.index = this.recordIndex++;
          this.events.onRecord(r);
        },
      }, this.maxRecordBytes, this.base + records.byteOffset - this.buf.byteOffset, (this.subKernel ??= newScanKernel()));
      sub.push(records);
      sub.end();
    }
    return true;
  }
}
