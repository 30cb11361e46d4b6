/**
 * Seeded, realistic CloudTrail traffic for samples, tests and the benchmark: record mix, sizes (mostly 1–2 KB, a few
 * 5–30 KB), nesting (down to ten levels) and optional fields shaped like real trails, with awkward caller-controlled
 * text mixed in. Same options, same bytes.
 *
 * @example
 *   await writeDeliveryFile('/tmp/big.json.gz', { seed: 7, targetBytes: 100 * 1024 * 1024 });
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Json } from './records/catalog/types.ts';
import { gzipDeterministic, pinGzipHeader } from './records/gzip.ts';
import { recordStream } from './records/stream.ts';
import { DEFAULT_REGIONS, MAIN_ACCOUNT } from './records/values.ts';

export { FORGED_FIELD } from './records/adversarial.ts';
export { digestFileKey, logFileKey } from './records/keys.ts';
export { Rng } from './records/prng.ts';
export { EXTERNAL_ACCOUNT, MAIN_ACCOUNT, ORG_ACCOUNTS } from './records/values.ts';

export type CloudTrailRecord = Json;

export interface GenerateOptions {
  /** The whole output is a function of the options; the seed picks one of many equally realistic streams. */
  readonly seed: number;
  /** @default 1000 records when targetBytes is not given either; no count limit when it is */
  readonly count?: number;
  /** Stop before the records' JSON (UTF-8, without the wrapper) would pass this many bytes. @default - no byte limit */
  readonly targetBytes?: number;
  /** Time of the first record. @default 2025-03-11T14:00:00Z */
  readonly start?: Date;
  /** Recipient accounts, each with its own principals and resources. @default ['123456789012'] */
  readonly accounts?: readonly string[];
  /** Regions of the records; global-service events (IAM, sign-in) appear only with us-east-1. @default ['us-east-1'] */
  readonly regions?: readonly string[];
  /** Mean time between records; at the default a 100 MB file spans about five minutes, like one busy delivery. @default 5 */
  readonly meanGapMs?: number;
}

export interface DeliveryOptions extends GenerateOptions {
  /** zlib level; 6 is zlib's default and what most writers use. @default 6 */
  readonly gzipLevel?: number;
}

export interface DeliveryStats {
  readonly records: number;
  /** Size of the uncompressed `{"Records":[…]}` document. */
  readonly bytes: number;
  readonly compressedBytes: number;
}

export const DEFAULT_START = new Date('2025-03-11T14:00:00Z');
const DEFAULT_COUNT = 1000;
const WRAPPER_OPEN = '{"Records":[';
const WRAPPER_CLOSE = ']}';
const CHUNK_CHARS = 1 << 18;

function streamFor(opts: GenerateOptions): Generator<Json, never> {
  return recordStream({
    seed: opts.seed,
    startMs: (opts.start ?? DEFAULT_START).getTime(),
    accounts: opts.accounts ?? [MAIN_ACCOUNT],
    regions: opts.regions ?? DEFAULT_REGIONS,
    meanGapMs: opts.meanGapMs ?? 5,
  });
}

function maxCount(opts: GenerateOptions): number {
  return opts.count ?? (opts.targetBytes === undefined ? DEFAULT_COUNT : Number.POSITIVE_INFINITY);
}

/** Each record serialised once, with the byte budget applied; the delivery writers build on this. */
function* serialisedRecords(opts: GenerateOptions): Generator<string> {
  const limit = maxCount(opts);
  const budget = opts.targetBytes ?? Number.POSITIVE_INFINITY;
  const stream = streamFor(opts);
  let bytes = 0;
  for (let n = 0; n < limit; n++) {
    const json = JSON.stringify(stream.next().value);
    bytes += Buffer.byteLength(json) + 1;
    if (bytes > budget && n > 0) return;
    yield json;
  }
}

/** Benign records in time order, as objects. */
export function* generateRecords(opts: GenerateOptions): Generator<CloudTrailRecord> {
  if (opts.targetBytes === undefined) {
    const stream = streamFor(opts);
    for (let n = 0; n < maxCount(opts); n++) yield stream.next().value;
    return;
  }
  for (const json of serialisedRecords(opts)) yield JSON.parse(json) as CloudTrailRecord;
}

/** The document text in chunks of about 256 KB, so writers never hold the whole delivery. */
function* deliveryChunks(opts: GenerateOptions, counter: { records: number; bytes: number }): Generator<Buffer> {
  let chunk = WRAPPER_OPEN;
  for (const json of serialisedRecords(opts)) {
    chunk += counter.records === 0 ? json : `,${json}`;
    counter.records++;
    if (chunk.length >= CHUNK_CHARS) {
      const buf = Buffer.from(chunk);
      counter.bytes += buf.length;
      yield buf;
      chunk = '';
    }
  }
  const last = Buffer.from(chunk + WRAPPER_CLOSE);
  counter.bytes += last.length;
  yield last;
}

/** A whole gzipped delivery in memory: for tests and small files. */
export function generateDelivery(opts: DeliveryOptions): Buffer {
  const counter = { records: 0, bytes: 0 };
  return gzipDeterministic(Buffer.concat([...deliveryChunks(opts, counter)]), opts.gzipLevel ?? 6);
}

/** Streams a gzipped delivery to a file; memory stays at a few megabytes whatever the size. */
export async function writeDeliveryFile(path: string, opts: DeliveryOptions): Promise<DeliveryStats> {
  const counter = { records: 0, bytes: 0 };
  await pipeline(Readable.from(deliveryChunks(opts, counter)), createGzip({ level: opts.gzipLevel ?? 6 }), pinGzipHeader(), createWriteStream(path));
  return { records: counter.records, bytes: counter.bytes, compressedBytes: (await stat(path)).size };
}
