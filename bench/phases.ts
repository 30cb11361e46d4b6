/**
 * One benchmark phase in a fresh process (so its peak RSS is its own), bundled by bench/run.ts and run with plain
 * node. Runs the phase twice and prints one JSON line: { phase, firstMs, warmMs, bytes, records, matches, maxRssMB }.
 * The first pass is what a new process sees (code not yet optimised by V8); the warm pass is what a reused Lambda
 * execution environment or a long backfill sees. Loading the rules is not timed here: it is cold start (coldStart.ts).
 *   a  streaming gunzip only (the pipeline's reader)   a0 the same with node's default gunzip and file stream
 *   b  gunzip + whole-document JSON.parse
 *   s  the pipeline with no rules: gunzip, records split, eventName and eventSource read (the reader's own cost)
 *   c  full pipeline, bundled rules     d  full pipeline, every rule of the shared corpus
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { decodedChunks, FILE_READ_BYTES } from '../lambda/cloudtrail/decompress.ts';
import { detectInSource } from '../lambda/pipeline.ts';
import { parseBundle, RuleEngine } from '../lambda/sigma/runtime.ts';

const [phase, file, bundlePath] = process.argv.slice(2);
const open = () => createReadStream(file!, { highWaterMark: FILE_READ_BYTES });
const engine = phase === 'c' || phase === 'd' ? new RuleEngine(parseBundle(readFileSync(bundlePath!, 'utf8'), bundlePath).rules) : phase === 's' ? new RuleEngine([]) : undefined;

async function run(): Promise<{ bytes: number; records: number; matches: number }> {
  switch (phase) {
    case 'a': {
      let bytes = 0;
      for await (const chunk of decodedChunks(open())) bytes += chunk.length;
      return { bytes, records: 0, matches: 0 };
    }
    case 'a0': {
      let bytes = 0;
      for await (const chunk of createReadStream(file!).pipe(createGunzip())) bytes += (chunk as Buffer).length;
      return { bytes, records: 0, matches: 0 };
    }
    case 'b': {
      const parts: Buffer[] = [];
      for await (const chunk of decodedChunks(open())) parts.push(chunk);
      const text = Buffer.concat(parts).toString('utf8');
      const doc = JSON.parse(text) as { Records: unknown[] };
      return { bytes: Buffer.byteLength(text), records: doc.Records.length, matches: 0 };
    }
    case 's':
    case 'c':
    case 'd': {
      let matches = 0;
      const outcome = await detectInSource(file!, open(), engine!, () => void matches++);
      if (outcome.status !== 'ok') throw new Error(`${file}: ${outcome.error?.message}`);
      return { bytes: outcome.bytesDecoded, records: outcome.records, matches };
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

async function timed(): Promise<{ ms: number; result: Awaited<ReturnType<typeof run>> }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

const first = await timed();
const warm = await timed();
process.stdout.write(`${JSON.stringify({ phase, firstMs: first.ms, warmMs: warm.ms, ...first.result, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
