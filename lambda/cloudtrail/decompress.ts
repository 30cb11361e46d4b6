/**
 * Bytes of an object or file → decompressed bytes. The content decides, not the name: gzip is recognised by its
 * magic bytes `1f 8b` and inflated with node:zlib as a stream (concatenated gzip members are all read).
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** Inflate chunk size: larger chunks mean fewer scanner calls per MB. */
const CHUNK_SIZE = 64 * 1024;

/** Yields the decompressed content of a byte stream, gunzipping it when it starts with the gzip magic bytes. */
export async function* decodedChunks(input: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]();
  // Gather at least two bytes to look at the magic number.
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < 2) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    head.push(chunk);
    headLength += chunk.length;
  }
  const first = Buffer.concat(head);
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => (done ? { next: async () => ({ done: true, value: undefined }) } : iterator) as AsyncIterator<Uint8Array>,
  };
  if (first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: CHUNK_SIZE });
    const source = Readable.from(prepend(first, rest), { objectMode: false });
    source.on('error', (err) => gunzip.destroy(err));
    source.pipe(gunzip);
    for await (const chunk of gunzip) yield chunk as Buffer;
    return;
  }
  if (first.length) yield first;
  for await (const chunk of rest) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* prepend(first: Buffer, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  yield* rest;
}
