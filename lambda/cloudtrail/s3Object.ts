/** Streams an S3 object's bytes; GetObject errors become ObjectReadErrors that say what to fix. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectRef } from './types.ts';
import { ObjectReadError } from './errors.ts';

export const s3Source = (ref: ObjectRef) => `s3://${ref.bucket}/${ref.key}`;

/** Errors worth retrying: throttling, 5xx, timeouts and dropped connections. */
export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string };
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return status >= 500 || status === 429 || Boolean(e?.$retryable)
    || /Throttl|SlowDown|RequestTimeout|TimeoutError/i.test(e?.name ?? '')
    || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'].includes(e?.code ?? '');
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
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw new ObjectReadError(source, 'no-such-key', 'object does not exist (deleted before it was read, or the key was not decoded)', { cause: err });
    }
    if (name === 'AccessDenied' || name === 'Forbidden' || name === 'KMS.AccessDeniedException') {
      throw new ObjectReadError(source, 'access-denied',
        'GetObject AccessDenied: the function needs s3:GetObject on this key and, for an SSE-KMS trail bucket, kms:Decrypt on the trail\'s KMS key (check the key policy too)',
        { cause: err });
    }
    throw new ObjectReadError(source, isTransient(err) ? 'transient' : 'read-error', `GetObject failed: ${name}: ${(err as Error).message}`, { cause: err });
  }
}
