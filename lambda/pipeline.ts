/**
 * The main job for one source (an S3 object or a local file): bytes → (gunzip) → records → candidate rules →
 * matches. Shared by the Lambda handler, `scan` and `replay`. A bad source is reported in the outcome, never thrown.
 */
import type { Readable } from 'node:stream';
import { decodedChunks } from './cloudtrail/decompress.ts';
import { MAX_NESTING, RecordScanner } from './cloudtrail/recordScanner.ts';
import type { ScannedRecord } from './cloudtrail/recordScanner.ts';
import { ObjectReadError, RecordStreamError, SkippedContentError } from './cloudtrail/errors.ts';
import type { LoadedRule } from './sigma/loader.ts';
import type { RuleEngine } from './sigma/engine.ts';

export interface Match {
  readonly rule: LoadedRule;
  /**
   * The whole CloudTrail record, parsed on first read from a copy of its bytes (shared by every rule matching
   * the same record). Throws ObjectReadError (kind `bad-record`) if the record holds invalid JSON.
   */
  readonly record: Record<string, unknown>;
  /** 0-based position of the record in its source. */
  readonly recordIndex: number;
  /** File path as given/walked, or `s3://bucket/key`. */
  readonly source: string;
}

/**
 * A matched record kept as text until someone reads it: detection never pays for a full parse, and consumers
 * (alerts, output) parse each matched record once. Text rather than a copy of the bytes: short-lived strings are
 * reclaimed by V8's young-generation collections, while many small buffers would pile up as external memory.
 */
class MatchedRecord {
  private parsed: Record<string, unknown> | undefined;
  constructor(private readonly text: string, private readonly source: string, private readonly index: number) {}
  get value(): Record<string, unknown> {
    if (!this.parsed) {
      try {
        this.parsed = JSON.parse(this.text) as Record<string, unknown>;
      } catch (err) {
        throw new ObjectReadError(this.source, 'bad-record', `record ${this.index} is not valid JSON: ${(err as Error).message}`, { cause: err, recordIndex: this.index });
      }
    }
    return this.parsed;
  }
}

class LazyMatch implements Match {
  constructor(
    readonly rule: LoadedRule,
    private readonly holder: MatchedRecord,
    readonly recordIndex: number,
    readonly source: string,
  ) {}
  get record(): Record<string, unknown> {
    return this.holder.value;
  }
}

export interface SourceOutcome {
  readonly source: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly records: number;
  readonly matches: number;
  /** Bytes read from the source (compressed size for gzip). */
  readonly bytesRead: number;
  /** Bytes of JSON after decompression. */
  readonly bytesDecoded: number;
  /** Why the source failed (status `failed`): the first error; later records were still processed where possible. */
  readonly error?: ObjectReadError;
  /** Records that could not be evaluated (invalid JSON inside them). */
  readonly badRecords: number;
  /** Why the source was skipped (status `skipped`), e.g. a digest file. */
  readonly skipReason?: string;
}

/** Splits matches into those whose record parses and the errors of those whose record does not. */
export function readableMatches(matches: readonly Match[]): { readable: Match[]; errors: ObjectReadError[] } {
  const readable: Match[] = [];
  const errors: ObjectReadError[] = [];
  for (const m of matches) {
    try {
      void m.record;
      readable.push(m);
    } catch (err) {
      if (!(err instanceof ObjectReadError)) throw err;
      if (!errors.some((e) => e.recordIndex === err.recordIndex)) errors.push(err);
    }
  }
  return { readable, errors };
}

/** Digest files are JSON objects with these keys and no Records. */
function classifyTopObject(source: string) {
  return (rec: ScannedRecord): void => {
    // Only a file's first value can make it a digest: a later one is a (bad) record among records.
    if (rec.index === 0 && (rec.has('digestPublicKeyFingerprint') || (rec.has('logFiles') && rec.has('digestStartTime')))) {
      throw new SkippedContentError('digest', 'CloudTrail digest file (no records)');
    }
    if (!rec.has('eventName') && !rec.has('eventSource') && !rec.has('eventTime')) {
      throw new ObjectReadError(source, 'no-records', 'JSON object has no "Records" and is not a CloudTrail record (no eventName, eventSource or eventTime)', { recordIndex: rec.index });
    }
  };
}

/**
 * Runs every record of one source through the engine, calling `onMatch` for each rule that matches.
 * Resolves with the outcome; failures are part of it (with the records read before the failure evaluated).
 */
export async function detectInSource(
  source: string,
  bytes: Readable | AsyncIterable<Uint8Array>,
  engine: RuleEngine,
  onMatch: (match: Match) => void,
): Promise<SourceOutcome> {
  const read = { bytes: 0 };
  let decoded = 0;
  let matches = 0;
  let badRecords = 0;
  let firstError: ObjectReadError | undefined;

  const onRecord = (rec: ScannedRecord) => {
    if (rec.tooDeep) {
      badRecords++;
      firstError ??= new ObjectReadError(source, 'record-too-deep', `record ${rec.index} is nested more than ${MAX_NESTING} levels deep: not evaluated`, { recordIndex: rec.index });
      return;
    }
    try {
      const matched = engine.evaluate(rec, rec.eventName(), rec.eventSource());
      if (!matched) return;
      const holder = new MatchedRecord(rec.text(), source, rec.index);
      for (const rule of matched) {
        matches++;
        onMatch(new LazyMatch(rule, holder, rec.index, source));
      }
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      badRecords++;
      firstError ??= new ObjectReadError(source, 'bad-record', `record ${rec.index} is not valid JSON: ${err.message}`, { cause: err, recordIndex: rec.index });
    }
  };
  const scanner = new RecordScanner({ onRecord, classifyTopObject: classifyTopObject(source) });
  const outcome = (status: SourceOutcome['status'], extra: Partial<SourceOutcome> = {}): SourceOutcome => ({
    source, status, records: scanner.records, matches, bytesRead: read.bytes, bytesDecoded: decoded, badRecords, ...extra,
  });

  try {
    for await (const chunk of decodedChunks(bytes, read)) {
      decoded += chunk.length;
      scanner.push(chunk);
    }
    scanner.end();
    if (!scanner.sawContent) throw new ObjectReadError(source, 'empty', decoded === 0 ? 'empty file (no content)' : 'no JSON content (only white space)');
  } catch (err) {
    if (err instanceof SkippedContentError) return outcome('skipped', { skipReason: err.message });
    return outcome('failed', { error: toReadError(source, err) });
  }
  return firstError ? outcome('failed', { error: firstError }) : outcome('ok');
}

/** Names the failure for a user: which source, what kind, what to do. */
function toReadError(source: string, err: unknown): ObjectReadError {
  if (err instanceof ObjectReadError) return err;
  if (err instanceof RecordStreamError) return new ObjectReadError(source, err.kind, err.message, { cause: err });
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e?.message ?? '')) {
    return new ObjectReadError(source, 'truncated-gzip', 'gzip data ends early (truncated object?)', { cause: err });
  }
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return new ObjectReadError(source, 'bad-gzip', `gzip data is corrupt: ${e.message}`, { cause: err });
  }
  return new ObjectReadError(source, e?.name === 'Error' || !e?.name ? 'read-error' : e.name, e?.message ?? String(err), { cause: err });
}
