/** Reads the shared CloudTrail corpus the plain way (whole-file JSON.parse), as the reference side of tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface CorpusFile {
  readonly path: string;
  /** undefined when the file is not valid JSON / NDJSON (the corpus keeps two such files on purpose). */
  readonly records?: unknown[];
}

export function corpusFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(gz|json|jsonl|ndjson|cloudtrail|log)$/i.test(e.name)) out.push(full);
    }
  };
  walk(root);
  return out;
}

export function readCorpusFile(path: string): CorpusFile {
  const raw = readFileSync(path);
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  try {
    const doc = JSON.parse(text) as unknown;
    if (Array.isArray(doc)) return { path, records: doc };
    if (doc && typeof doc === 'object' && Array.isArray((doc as { Records?: unknown }).Records)) return { path, records: (doc as { Records: unknown[] }).Records };
    return { path, records: [doc] };
  } catch {
    try {
      return { path, records: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) };
    } catch {
      return { path };
    }
  }
}
