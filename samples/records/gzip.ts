/**
 * Gzip that gives the same bytes on every platform: zlib already writes mtime 0 (no timestamp, RFC 1952), but the
 * OS byte in the header follows the platform Node was built for, so it is pinned to 3 (Unix).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { gzipSync } from 'node:zlib';

const OS_BYTE = 9;
const UNIX = 3;

export function gzipDeterministic(data: Buffer | string, level: number): Buffer {
  const out = gzipSync(data, { level });
  out[OS_BYTE] = UNIX;
  return out;
}

/** Patches the OS byte of a gzip stream as it passes; everything else flows through untouched. */
export function pinGzipHeader(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (seen <= OS_BYTE && seen + chunk.length > OS_BYTE) chunk[OS_BYTE - seen] = UNIX;
      seen += chunk.length;
      done(null, chunk);
    },
  });
}
