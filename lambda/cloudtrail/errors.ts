/** Errors of reading CloudTrail objects and files. Each names the source; the pipeline reports, never drops. */

export class ObjectReadError extends Error {
  /** File path or s3://bucket/key. */
  readonly source: string;
  /** Short machine-readable kind, e.g. `not-json`, `truncated-gzip`, `no-records`. */
  readonly kind: string;
  /** What is wrong, without the source (the message is `source: detail`). */
  readonly detail: string;
  /** 0-based index of the record being read when it failed, if any. */
  readonly recordIndex?: number;
  constructor(source: string, kind: string, message: string, options?: ErrorOptions & { recordIndex?: number }) {
    super(`${source}: ${message}`, options);
    this.name = 'ObjectReadError';
    this.source = source;
    this.kind = kind;
    this.detail = message;
    if (options?.recordIndex !== undefined) this.recordIndex = options.recordIndex;
  }
}

/** The JSON structure around records is broken (not JSON, missing comma between records, cut short…). */
export class RecordStreamError extends Error {
  readonly kind: string;
  /** Byte offset in the decompressed stream. */
  readonly offset: number;
  constructor(kind: string, message: string, offset: number) {
    super(`${message} (byte ${offset})`);
    this.name = 'RecordStreamError';
    this.kind = kind;
    this.offset = offset;
  }
}

/** The content is a CloudTrail digest or Insight file: skipped with a notice, not an error. */
export class SkippedContentError extends Error {
  readonly kind: 'digest' | 'insight';
  constructor(kind: 'digest' | 'insight', message: string) {
    super(message);
    this.name = 'SkippedContentError';
    this.kind = kind;
  }
}
