/**
 * The keys a replay reads, listed from S3 in key order. Without filters the prefix is listed flat (one request per
 * 1,000 keys). With --since/--until/--accounts/--regions the walk lists account and region folders with a
 * delimiter and then only the year, month or day folders inside the date range, so a month of a multi-year trail
 * costs a month of listing. `startAfter` resumes after a key: folders wholly before it are not listed again.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { checkKey, decideFolder, hasFilter } from './keyLayout.ts';
import type { ListingFilter, PassReason } from './keyLayout.ts';

export interface ListingOptions {
  readonly bucket: string;
  readonly prefix: string;
  readonly filter: ListingFilter;
  /** Only keys after this one (S3 order). @default - from the start of the prefix */
  readonly startAfter?: string;
}

export type ListingEntry =
  | { readonly type: 'object'; readonly key: string; readonly size: number }
  /** A listed key that is not replayed (digest, Insights, filtered out…). */
  | { readonly type: 'skipped'; readonly key: string; readonly reason: PassReason }
  /** A folder left unlisted. */
  | { readonly type: 'pruned'; readonly folder: string; readonly reason: PassReason };

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 order for some characters. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Lists the prefix, yielding every key (replayed or skipped with its reason) and every pruned folder, in key order. */
export async function* listTrailObjects(s3: S3Client, opts: ListingOptions): AsyncGenerator<ListingEntry> {
  const { bucket, filter, startAfter } = opts;

  async function* pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    // StartAfter only on flat listings: with a delimiter, how a folder holding the key is rolled up varies by server.
    const after = !delimiter && startAfter && compareKeys(startAfter, prefix) >= 0 ? startAfter : undefined;
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(delimiter ? { Delimiter: delimiter } : {}),
        ...(token ? { ContinuationToken: token } : after ? { StartAfter: after } : {}),
      }));
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Keys of one listing; with a delimiter, each sub-folder is visited where it falls in key order. */
  async function* listing(prefix: string, delimiter?: string): AsyncGenerator<ListingEntry> {
    for await (const page of pages(prefix, delimiter)) {
      for (const o of page.Contents ?? []) {
        const key = o.Key ?? '';
        if (startAfter && compareKeys(key, startAfter) <= 0) continue;
        const reason = checkKey(key, filter);
        yield reason ? { type: 'skipped', key, reason } : { type: 'object', key, size: o.Size ?? 0 };
      }
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) yield* folder(p.Prefix);
    }
  }

  async function* folder(path: string): AsyncGenerator<ListingEntry> {
    if (startAfter && !startAfter.startsWith(path) && compareKeys(path, startAfter) < 0) return;
    const d = decideFolder(path, filter);
    if (d.action === 'prune') yield { type: 'pruned', folder: path, reason: d.reason };
    else if (d.action === 'list') yield* listing(path);
    else if (d.action === 'descend') yield* listing(path, '/');
    else for (const child of d.children) yield* folder(child);
  }

  if (!hasFilter(filter)) yield* listing(opts.prefix);
  else if (opts.prefix === '' || opts.prefix.endsWith('/')) yield* folder(opts.prefix);
  else yield* listing(opts.prefix, '/');
}
