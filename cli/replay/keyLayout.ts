/**
 * Where a "folder" of a trail bucket sits in the CloudTrail key layout
 *   [prefix/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/FILE
 * and what a replay's filters make of it: pruned, descended (its sub-folders listed), listed whole, or split into
 * the month or day folders inside the date range. Pure: the S3 walk is in listing.ts.
 */
import { classifyKey, parseCloudTrailKey } from '../../lambda/cloudtrail/objectKey.ts';

export interface ListingFilter {
  /** First delivery day (the date in the key), `YYYY-MM-DD`, inclusive. @default - no lower bound */
  readonly since?: string;
  /** Last delivery day, `YYYY-MM-DD`, inclusive. @default - no upper bound */
  readonly until?: string;
  /** @default - every account */
  readonly accounts?: ReadonlySet<string>;
  /** @default - every region */
  readonly regions?: ReadonlySet<string>;
}

export const PASS_REASONS = {
  digest: 'CloudTrail digest',
  insight: 'CloudTrail Insights',
  service: 'not CloudTrail (another service under AWSLogs)',
  layout: 'not a CloudTrail log file',
  account: 'account not selected',
  region: 'region not selected',
  date: 'outside --since/--until',
} as const;
export type PassReason = keyof typeof PASS_REASONS;

export type FolderDecision =
  | { readonly action: 'prune'; readonly reason: PassReason }
  /** List the sub-folders (Delimiter '/') and decide on each. */
  | { readonly action: 'descend' }
  /** Every key below is wanted (no filter left to apply below it): list them all, no delimiter. */
  | { readonly action: 'list' }
  /** Partly inside the date range: visit these month or day folders instead of listing. */
  | { readonly action: 'split'; readonly children: readonly string[] };

/** Files scan would read in a folder walk; the same kinds are read from a prefix without filters. */
const LOG_OBJECT = /\.(gz|json|jsonl|ndjson|cloudtrail|log)$/i;
const ORG_ID = /^o-[a-z0-9]+$/;
const YEAR = /^\d{4}$/;
const TWO_DIGITS = /^\d{2}$/;

export const hasFilter = (f: ListingFilter): boolean => Boolean(f.since || f.until || f.accounts || f.regions);
const hasDates = (f: ListingFilter): boolean => Boolean(f.since || f.until);

const pad = (n: number) => String(n).padStart(2, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** How the day interval [first, last] relates to the filter's range. */
function rangeRelation(f: ListingFilter, first: string, last: string): 'outside' | 'inside' | 'partial' {
  if ((f.since && last < f.since) || (f.until && first > f.until)) return 'outside';
  if ((!f.since || first >= f.since) && (!f.until || last <= f.until)) return 'inside';
  return 'partial';
}

function dateFolder(folder: string, f: ListingFilter, first: string, last: string, children: () => string[]): FolderDecision {
  switch (rangeRelation(f, first, last)) {
    case 'outside':
      return { action: 'prune', reason: 'date' };
    case 'inside':
      return { action: 'list' };
    case 'partial':
      return { action: 'split', children: children().filter((c) => decideFolder(c, f).action !== 'prune') };
  }
}

/** The decision for a folder (a prefix ending in `/`), under filters; only used when some filter is set. */
export function decideFolder(folder: string, f: ListingFilter): FolderDecision {
  const segments = folder.split('/').slice(0, -1);
  const logs = segments.indexOf('AWSLogs');
  if (logs === -1) return { action: 'descend' };
  const rest = segments.slice(logs + 1);
  const owner = ORG_ID.test(rest[0] ?? '') ? 2 : 1;
  if (rest.length < owner) return { action: 'descend' };
  const account = rest[owner - 1]!;
  if (f.accounts && !f.accounts.has(account)) return { action: 'prune', reason: 'account' };
  const [service, region, year, month, day] = rest.slice(owner);
  if (service === undefined) return { action: 'descend' };
  if (service === 'CloudTrail-Digest') return { action: 'prune', reason: 'digest' };
  if (service === 'CloudTrail-Insight') return { action: 'prune', reason: 'insight' };
  if (service !== 'CloudTrail') return { action: 'prune', reason: 'service' };
  if (region === undefined) return f.regions || hasDates(f) ? { action: 'descend' } : { action: 'list' };
  if (f.regions && !f.regions.has(region)) return { action: 'prune', reason: 'region' };
  if (year === undefined) return hasDates(f) ? { action: 'descend' } : { action: 'list' };
  if (!YEAR.test(year)) return { action: 'prune', reason: 'layout' };
  if (month === undefined) {
    return dateFolder(folder, f, `${year}-01-01`, `${year}-12-31`, () => Array.from({ length: 12 }, (_, i) => `${folder}${pad(i + 1)}/`));
  }
  const m = Number(month);
  if (!TWO_DIGITS.test(month) || m < 1 || m > 12) return { action: 'prune', reason: 'layout' };
  const days = daysIn(Number(year), m);
  if (day === undefined) {
    return dateFolder(folder, f, `${year}-${month}-01`, `${year}-${month}-${pad(days)}`, () => Array.from({ length: days }, (_, i) => `${folder}${pad(i + 1)}/`));
  }
  if (!TWO_DIGITS.test(day) || Number(day) < 1 || Number(day) > days) return { action: 'prune', reason: 'layout' };
  const date = `${year}-${month}-${day}`;
  return dateFolder(folder, f, date, date, () => []);
}

/** Whether one listed key is replayed, or why not. */
export function checkKey(key: string, f: ListingFilter): PassReason | undefined {
  const kind = classifyKey(key);
  if (kind === 'digest' || kind === 'insight') return kind;
  if (!hasFilter(f)) return LOG_OBJECT.test(key) ? undefined : 'layout';
  const parts = parseCloudTrailKey(key);
  if (!parts) return 'layout';
  if (f.accounts && !f.accounts.has(parts.accountId)) return 'account';
  if (f.regions && !f.regions.has(parts.region)) return 'region';
  if (rangeRelation(f, parts.date, parts.date) === 'outside') return 'date';
  return undefined;
}
