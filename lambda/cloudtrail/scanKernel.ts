/**
 * The scanner kernel (scanKernel.wat) as recordScanner.ts uses it: its memory layout, the flags of its state
 * block, its results, and a way to get a fresh instance. The module is compiled once, at import.
 */
import { randomBytes } from 'node:crypto';
import { SCAN_KERNEL_WASM } from './scanKernel.wasm.ts';

/**
 * Per key slot: key start/end, value start/end (relative to the record start), flags (1 key escaped, 2 value
 * escaped), the key's hash (keyHash).
 */
export const SLOT = 6;
export const SLOT_HASH = 5;
export const FLAG_KEY_ESCAPED = 1;
export const FLAG_VALUE_ESCAPED = 2;

/**
 * Memory: a state block, the key slots of the record being scanned, its key index, the values table and its arena
 * (as in scanKernel.wat), then the bytes being scanned. Top-level keys per record are capped (CloudTrail has about
 * 25).
 */
export const STATE_BYTES = 32;
export const MAX_KEYS = 65536;
/** The key index: KEY_INDEX_SIZE words, key slot + 1 by key hash (open addressing); see KEYS_UNINDEXED. */
export const KEY_INDEX = STATE_BYTES + MAX_KEYS * SLOT * 4;
export const KEY_INDEX_SIZE = 64;
/** Slots of the values table; an id returned by `intern` is one of them. */
export const TABLE_SLOTS = 16384;
const TABLE = KEY_INDEX + KEY_INDEX_SIZE * 4;
const ARENA_BYTES = 1024 * 1024;
export const DATA = TABLE + TABLE_SLOTS * 8 + ARENA_BYTES;
/** Past the scanned bytes, for the kernel's 16-byte loads. */
export const SLACK = 16;
export const PAGE = 65536;

/** State block, word 4: flags of the object being scanned. */
export const EXPECT_KEY = 1;
export const KEY_ESCAPED = 2;
export const TOO_DEEP = 4;
export const CAPTURE = 8;
export const DOTTED_KEY = 16;
export const EXPECT_COLON = 32;
export const EXPECT_VALUE = 64;
/** The key index does not hold the record's keys (more than 32, or two with the same hash): search the slots. */
export const KEYS_UNINDEXED = 128;

const MASK_64 = (1n << 64n) - 1n;

/**
 * The kernel's hash of a key's bytes as written (escapes not decoded): its first and last 8 bytes, zero-padded
 * when shorter, read as little-endian words, and its length. Keys are looked up by this before their bytes are
 * compared, so a collision costs a compare, never a wrong field.
 */
export function keyHash(key: Uint8Array): number {
  const word = (at: number, n: number) => {
    let w = 0n;
    for (let i = n - 1; i >= 0; i--) w = (w << 8n) | BigInt(key[at + i]!);
    return w;
  };
  const w0 = word(0, Math.min(8, key.length));
  const w1 = key.length < 8 ? w0 : word(key.length - 8, 8);
  const h = ((w0 * 0x9e3779b97f4a7c15n) & MASK_64) ^ ((w1 * 0xc2b2ae3d27d4eb4fn) & MASK_64) ^ BigInt(key.length);
  return Number(BigInt.asIntN(32, h ^ (h >> 32n)));
}

/** Results of scanObject. */
export const KERNEL_NEED_MORE = 0;
export const KERNEL_DONE = 1;
export const KERNEL_UNEXPECTED = 2;
export const KERNEL_TOO_LARGE = 3;
export const KERNEL_TOO_WIDE = 4;

/** Results of intern besides an id (below TABLE_SLOTS: known; from TABLE_SLOTS: just added). */
export const TABLE_FULL = -1;
export const TABLE_CROWDED = -2;
/** The text is not in the table, and was not added (`add` 0). */
export const TABLE_ABSENT = -3;

export interface ScanKernel {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  scanObject(len: number, limit: number, maxNesting: number): number;
  /** The values table's id of the bytes [start, end) (addresses in memory), adding them if new and `add` is 1. */
  intern(start: number, end: number, add: 0 | 1): number;
  clearTable(): void;
  seedTable(seed: number): void;
}

/** The WebAssembly API used here (this project's TypeScript lib has no WebAssembly types). */
const wasm = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { readonly exports: unknown } };
}).WebAssembly;

const KERNEL_MODULE = new wasm.Module(Buffer.from(SCAN_KERNEL_WASM, 'base64'));

/** A new instance with its own memory and its own seed for the values table's hash. */
export function newScanKernel(): ScanKernel {
  const kernel = new wasm.Instance(KERNEL_MODULE).exports as ScanKernel;
  kernel.seedTable(randomBytes(4).readInt32LE());
  return kernel;
}
