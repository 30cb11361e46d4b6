/**
 * Reading an S3 object: GetObject errors become ObjectReadErrors that say what to fix, and transient failures
 * (throttling, 5xx, timeouts, dropped connections, also mid-stream) are retried from the start with backoff.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { setTimeout as delay } from 'node:timers/promises';
import type { ObjectRef } from './types.ts';
import { ObjectReadError } from './errors.ts';

export const s3Source = (ref: ObjectRef) => `s3://${ref.bucket}/${ref.key}`;

/**
 * Settings for the S3 client of the Lambda and the CLI: a connection that stalls is dropped (and retried) instead
 * of holding the invocation until its timeout. The request timeout is the socket's idle time, so long streams pass.
 */
export const S3_CLIENT_TIMEOUTS = { requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 } } as const;

/** Errors worth retrying: throttling, 5xx, timeouts and dropped connections. */
export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string };
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return status >= 500 || status === 429 || Boolean(e?.$retryable)
    || /Throttl|SlowDown|RequestTimeout|TimeoutError/i.test(e?.name ?? '')
    || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE'].includes(e?.code ?? '');
}

/** A read failure that another attempt may not have: GetObject's transient errors, or the stream breaking. */
export function isTransientReadError(err: ObjectReadError): boolean {
  return err.kind === 'transient' || isTransient(err.cause);
}

/** What AccessDenied means here, naming the permission: S3 says when KMS refused, otherwise either may be missing. */
function accessDeniedMessage(ref: ObjectRef, err: Error): string {
  const said = err.name === 'Unknown' || err.name === 'UnknownError' ? '(S3 answered 403 without an error code)' : `(S3: ${err.name}: ${err.message})`;
  if (/kms|customer master key|ciphertext/i.test(`${err.name} ${err.message}`)) {
    return `GetObject AccessDenied: missing kms:Decrypt on the trail's KMS key (grant it to the function's role and allow it in the key policy) ${said}`;
  }
  return `GetObject AccessDenied: missing s3:GetObject on arn:aws:s3:::${ref.bucket}/${ref.key} (role policy or bucket policy), or kms:Decrypt on the trail's KMS key if the bucket uses SSE-KMS; without s3:ListBucket S3 also answers AccessDenied for a key that does not exist ${said}`;
}

/** Opens the object as a byte stream (nothing is buffered whole). */
export async function openS3Object(s3: S3Client, ref: ObjectRef): Promise<AsyncIterable<Uint8Array>> {
  const source = s3Source(ref);
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ...(ref.versionId ? { VersionId: ref.versionId } : {}) }));
    if (!res.Body) throw new ObjectReadError(source, 'read-error', 'GetObject returned no body');
    return res.Body as AsyncIterable<Uint8Array>;
  } catch (err) {
    if (err instanceof ObjectReadError) throw err;
    const name = (err as Error).name;
    // An error without a body (e.g. a 403 to a request S3 answers without XML) has no code, only its HTTP status.
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion' || (status === 404 && name !== 'NoSuchBucket')) {
      throw new ObjectReadError(source, 'no-such-key', 'object does not exist (deleted before it was read, or the key was not decoded)', { cause: err });
    }
    if (name === 'NoSuchBucket') throw new ObjectReadError(source, 'no-such-bucket', `bucket ${ref.bucket} does not exist`, { cause: err });
    if (name === 'AccessDenied' || name === 'Forbidden' || name === 'KMS.AccessDeniedException' || name === 'AccessDeniedException' || status === 403) {
      throw new ObjectReadError(source, 'access-denied', accessDeniedMessage(ref, err as Error), { cause: err });
    }
    throw new ObjectReadError(source, isTransient(err) ? 'transient' : 'read-error', `GetObject failed: ${name}: ${(err as Error).message}`, { cause: err });
  }
}

export interface ReadRetryOptions {
  /** @default 3 - tries per object, the first included; on top of the SDK's own retries of each GetObject call */
  readonly attempts?: number;
  /** @default 200 - wait ceiling in ms before the second try; it doubles each try (the wait is random below it) */
  readonly baseDelayMs?: number;
  /** @default 5000 - the ceiling never grows past this, in ms */
  readonly maxDelayMs?: number;
  /** @default setTimeout from node:timers/promises - tests pass a recorder */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random - the jitter source, in [0, 1) */
  readonly random?: () => number;
}

export interface RetriedRead<T> {
  /** What `consume` returned on the last try, or the error that kept the object from being opened. */
  readonly result: T | ObjectReadError;
  readonly attempts: number;
}

/**
 * Streams the object into `consume`, starting over with a new GetObject while the failure is transient: the SDK
 * retries a call, but not a stream that breaks half-way, nor beyond its own few attempts. `consume` reports read
 * failures in its result's `error` (as the pipeline does) and must have no side effects, since a retry discards
 * the result of the failed try. Permanent failures (missing object, access denied, not CloudTrail) are not retried.
 *
 * @example const { result, attempts } = await readS3Object(s3, ref, (bytes) => detectInSource(source, bytes, engine, onMatch));
 */
export async function readS3Object<T extends { readonly error?: ObjectReadError }>(
  s3: S3Client,
  ref: ObjectRef,
  consume: (bytes: AsyncIterable<Uint8Array>) => Promise<T>,
  options: ReadRetryOptions = {},
): Promise<RetriedRead<T>> {
  const attempts = options.attempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    let result: T | ObjectReadError;
    try {
      result = await consume(await openS3Object(s3, ref));
    } catch (err) {
      if (!(err instanceof ObjectReadError)) throw err;
      result = err;
    }
    const error = result instanceof ObjectReadError ? result : result.error;
    if (!error || !isTransientReadError(error) || attempt >= attempts) return { result, attempts: attempt };
    await sleep(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
  }
}
