/**
 * Mutated CloudTrail deliveries for the fuzz test: real files changed at the byte, text and structure level.
 * Every mutation is drawn from the seeded Rng and described, so a failing case can be named and replayed.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Rng } from '../../samples/records/prng.ts';

export interface BaseDelivery {
  readonly name: string;
  /** The file as stored (gzip or plain JSON). */
  readonly raw: Buffer;
  /** The JSON text inside. */
  readonly text: string;
  /** The records, when the text is a delivery or an array of records. */
  readonly records?: Record<string, unknown>[];
}

export interface DeliveryCase {
  readonly description: string;
  readonly bytes: Buffer;
  /** Object key folder: a log file, a digest or an Insight. */
  readonly folder: 'CloudTrail' | 'CloudTrail-Digest' | 'CloudTrail-Insight';
  /** Chunk sizes the object is streamed in. */
  readonly chunkSize: number;
  /** The first GetObject stream breaks after this many bytes (then the read is retried). */
  readonly breakAfter?: number;
}

export function baseDelivery(name: string, raw: Buffer): BaseDelivery {
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  let records: Record<string, unknown>[] | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    const list = Array.isArray(parsed) ? parsed : (parsed as { Records?: unknown })?.Records;
    if (Array.isArray(list)) records = list as Record<string, unknown>[];
  } catch {
    records = undefined;
  }
  return { name, raw, text, ...(records ? { records } : {}) };
}

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud800', '\\u0000', 'null', 'true', '1e999', '-0', '"__proto__"', ' ', '\n', '"Records"', '{"Records":', '\u2028', '\uFEFF', '😀'];
const FIELDS = ['eventName', 'eventSource', 'eventTime', 'eventID', 'userIdentity', 'sourceIPAddress', 'userAgent', 'requestParameters', 'responseElements', 'errorCode', 'errorMessage', 'recipientAccountId', 'awsRegion', 'readOnly', 'resources'];

function nasty(rng: Rng): unknown {
  switch (rng.int(12)) {
    case 0: return null;
    case 1: return rng.int(2) === 0 ? rng.range(-1e6, 1e6) : 1e308;
    case 2: return rng.chance(0.5);
    case 3: return [];
    case 4: return {};
    case 5: return 'a'.repeat(rng.range(1, 100_000));
    case 6: return rng.pick(['', ' ', '*', '?', '\\', '%', '\u0000', '\ud800', '../../etc', '${jndi:x}', '<script>', '10.0.0.0/8', '::1', 'AKIA']);
    case 7: return Array.from({ length: rng.range(1, 20) }, () => rng.alnum(rng.range(0, 30)));
    case 8: {
      let v: unknown = rng.alnum(8);
      for (let i = rng.range(1, 64); i > 0; i--) v = rng.chance(0.5) ? { [rng.pick(FIELDS)]: v } : [v];
      return v;
    }
    case 9: return { Bucket: rng.alnum(10), policy: '{"Statement":[{"Effect":"Allow","Principal":"*"}]}'.repeat(rng.range(1, 200)) };
    case 10: return rng.pick(['CreateUser', 'StopLogging', 'ConsoleLogin', 'AssumeRole', 'DeleteTrail', 'PutBucketPolicy']);
    default: return rng.pick(['iam.amazonaws.com', 'cloudtrail.amazonaws.com', 's3.amazonaws.com', 'sts.amazonaws.com', 'signin.amazonaws.com']);
  }
}

/** Changes one record in place; says what it did. */
function mutateRecord(rng: Rng, record: Record<string, unknown>): string {
  const field = rng.chance(0.8) ? rng.pick(FIELDS) : rng.alnum(rng.range(1, 12));
  switch (rng.int(4)) {
    case 0:
      delete record[field];
      return `delete ${field}`;
    case 1: {
      const target = (record.requestParameters && typeof record.requestParameters === 'object' ? record.requestParameters : record) as Record<string, unknown>;
      target[rng.alnum(6)] = nasty(rng);
      return 'add a nested field';
    }
    default:
      record[field] = nasty(rng);
      return `set ${field}`;
  }
}

/** Records → JSON text in one of the shapes a file can have. */
function serialise(rng: Rng, records: unknown[]): { text: string; shape: string } {
  switch (rng.int(8)) {
    case 0: return { text: JSON.stringify(records), shape: 'bare array' };
    case 1: return { text: records.map((r) => JSON.stringify(r)).join('\n'), shape: 'NDJSON' };
    case 2: return { text: JSON.stringify(records[0] ?? {}), shape: 'one record' };
    case 3: return { text: JSON.stringify({ Records: rng.pick([{}, 'x', 7, null]) }), shape: 'Records not an array' };
    default: return { text: JSON.stringify({ Records: records }), shape: 'delivery' };
  }
}

function structural(rng: Rng, base: BaseDelivery): { text: string; description: string } {
  const records = structuredClone(base.records ?? []);
  const notes: string[] = [];
  for (let n = rng.range(1, 4); n > 0 && records.length > 0; n--) {
    const i = rng.int(records.length);
    notes.push(`record ${i}: ${mutateRecord(rng, records[i]!)}`);
  }
  if (rng.chance(0.1) && records.length > 0) {
    records.push(...records.slice(0, rng.range(1, records.length)));
    notes.push('duplicated records');
  }
  const { text, shape } = serialise(rng, records);
  let out = text;
  if (rng.chance(0.2)) {
    out = out.replace('"requestParameters":{', '"requestParameters":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},');
    notes.push('prototype keys');
  }
  return { text: out, description: `${notes.join('; ') || 'unchanged records'} as ${shape}` };
}

function textNoise(rng: Rng, text: string): { text: string; description: string } {
  let out = text;
  const notes: string[] = [];
  for (let n = rng.range(1, 5); n > 0; n--) {
    const at = rng.int(out.length + 1);
    const token = rng.pick(TOKENS);
    switch (rng.int(3)) {
      case 0:
        out = out.slice(0, at) + token + out.slice(at);
        notes.push(`insert ${JSON.stringify(token)} at ${at}`);
        break;
      case 1:
        out = out.slice(0, at) + token + out.slice(at + token.length);
        notes.push(`overwrite ${JSON.stringify(token)} at ${at}`);
        break;
      default: {
        const length = rng.range(1, 64);
        out = out.slice(0, at) + out.slice(at + length);
        notes.push(`delete ${length} at ${at}`);
      }
    }
  }
  return { text: out, description: notes.join('; ') };
}

/** JSON text → the bytes of the object: gzip (sometimes several members), or plain. */
function encode(rng: Rng, text: string): { bytes: Buffer; how: string } {
  const utf8 = Buffer.from(text, 'utf8');
  const choice = rng.int(10);
  if (choice === 0) return { bytes: utf8, how: 'plain' };
  if (choice === 1 && utf8.length > 2) {
    const cut = rng.range(1, utf8.length - 1);
    return { bytes: Buffer.concat([gzipSync(utf8.subarray(0, cut)), gzipSync(utf8.subarray(cut))]), how: `two gzip members split at ${cut}` };
  }
  if (choice === 2) {
    const bad = Buffer.from(rng.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf]]));
    const at = rng.int(utf8.length + 1);
    return { bytes: gzipSync(Buffer.concat([utf8.subarray(0, at), bad, utf8.subarray(at)])), how: `gzip with invalid UTF-8 at ${at}` };
  }
  return { bytes: gzipSync(utf8), how: 'gzip' };
}

function bytesNoise(rng: Rng, raw: Buffer): { bytes: Buffer; description: string } {
  const bytes = Buffer.from(raw);
  switch (rng.int(3)) {
    case 0: {
      const flips = rng.range(1, 8);
      for (let i = 0; i < flips; i++) {
        const at = rng.int(bytes.length);
        bytes[at] = bytes[at]! ^ (1 << rng.int(8));
      }
      return { bytes, description: `${flips} bit flip(s) in the stored bytes` };
    }
    case 1: {
      const cut = rng.int(bytes.length);
      return { bytes: bytes.subarray(0, cut), description: `stored bytes cut at ${cut} of ${bytes.length}` };
    }
    default: {
      const junk = Buffer.from(Array.from({ length: rng.range(1, 64) }, () => rng.int(256)));
      return { bytes: Buffer.concat([bytes, junk]), description: `${junk.length} junk bytes appended` };
    }
  }
}

/** One fuzz case from the base deliveries. */
export function deliveryCase(rng: Rng, bases: readonly BaseDelivery[]): DeliveryCase {
  const base = rng.pick(bases);
  let bytes: Buffer;
  let description: string;
  const kind = rng.int(10);
  if (kind < 2) {
    ({ bytes, description } = bytesNoise(rng, base.raw));
  } else if (kind < 4) {
    const noisy = textNoise(rng, base.text);
    const encoded = encode(rng, noisy.text);
    bytes = encoded.bytes;
    description = `${noisy.description}, ${encoded.how}`;
  } else if (kind === 4) {
    const other = rng.pick(bases);
    const a = rng.int(base.raw.length);
    const b = rng.int(other.raw.length);
    bytes = Buffer.concat([base.raw.subarray(0, a), other.raw.subarray(b)]);
    description = `spliced with ${other.name} (${a} + from ${b})`;
  } else {
    const mutated = structural(rng, base);
    const encoded = encode(rng, mutated.text);
    bytes = encoded.bytes;
    description = `${mutated.description}, ${encoded.how}`;
  }
  const folder = rng.chance(0.05) ? rng.pick(['CloudTrail-Digest', 'CloudTrail-Insight'] as const) : 'CloudTrail';
  // Byte-sized chunks only for small objects: they test boundaries, not throughput.
  const chunkSize = bytes.length < 4096 && rng.chance(0.2) ? 1 : rng.pick([7, 512, 4096, 65_536, 1 << 20]);
  const breakAfter = rng.chance(0.05) ? rng.int(bytes.length + 1) : undefined;
  return {
    description: `${base.name}: ${description}; ${folder}; chunks of ${chunkSize}${breakAfter === undefined ? '' : `; stream breaks after ${breakAfter}`}`,
    bytes, folder, chunkSize, ...(breakAfter === undefined ? {} : { breakAfter }),
  };
}
