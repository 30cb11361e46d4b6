/**
 * Local inputs of `scan`: files named on the command line are always read; a folder walk reads the file kinds
 * CloudTrail data comes in and passes over the rest. Digest and Insight files are skipped with a notice.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { classifyKey } from '../lambda/cloudtrail/objectKey.ts';

const READ_IN_WALK = /\.(gz|json|jsonl|ndjson|cloudtrail|log)$/i;

export interface InputPlan {
  /** Files to read, in walk order. */
  readonly files: string[];
  /** Files passed over in folder walks (not a CloudTrail file kind). */
  readonly passedOver: number;
  /** Digest/Insight files skipped, with the reason. */
  readonly skipped: { path: string; reason: string }[];
  /** Paths that do not exist or cannot be listed. */
  readonly missing: { path: string; reason: string }[];
}

/** Digest and Insight files are recognised by their folder, as in S3 keys. */
export function skipReason(path: string): string | undefined {
  const kind = classifyKey(path.split(/[\\/]/).join('/'));
  if (kind === 'digest') return 'CloudTrail digest file';
  if (kind === 'insight') return 'CloudTrail Insights file';
  return undefined;
}

export function planInputs(paths: readonly string[]): InputPlan {
  const plan: InputPlan = { files: [], passedOver: 0, skipped: [], missing: [] };
  const add = (path: string) => {
    const reason = skipReason(path);
    if (reason) plan.skipped.push({ path, reason });
    else plan.files.push(path);
  };
  // Folders already walked, by real path: symbolic links are followed, loops are not.
  const walked = new Set<string>();
  const walk = (dir: string) => {
    let entries;
    try {
      const real = realpathSync(dir);
      if (walked.has(real)) return;
      walked.add(real);
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      plan.missing.push({ path: dir, reason: (err as Error).message });
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      let kind: 'dir' | 'file' | 'other' = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
      if (e.isSymbolicLink()) {
        try {
          const target = statSync(full);
          kind = target.isDirectory() ? 'dir' : target.isFile() ? 'file' : 'other';
        } catch (err) {
          plan.missing.push({ path: full, reason: `broken symbolic link: ${(err as Error).message}` });
          continue;
        }
      }
      if (kind === 'dir') walk(full);
      else if (kind === 'file' && READ_IN_WALK.test(e.name)) add(full);
      // Other file types, sockets and FIFOs are counted, never silently dropped.
      else (plan as { passedOver: number }).passedOver++;
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      plan.missing.push({ path: p, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message });
      continue;
    }
    if (st.isDirectory()) walk(p);
    else add(p);
  }
  return plan;
}
