/**
 * Object keys: decoding the form-encoded key of an S3 event notification, and reading the CloudTrail key layout
 *   [prefix/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/FILE
 * (digests and Insights use `CloudTrail-Digest` and `CloudTrail-Insight` in place of `CloudTrail`).
 */

/** A key from an S3 event notification that is not valid form encoding (stray `%`, or bytes that are not UTF-8). */
export class ObjectKeyDecodeError extends Error {
  override readonly name = 'ObjectKeyDecodeError';
  readonly rawKey: string;

  constructor(rawKey: string, options?: ErrorOptions) {
    super(`cannot decode S3 event object key ${JSON.stringify(rawKey)}: malformed percent-encoding`, options);
    this.rawKey = rawKey;
  }
}

/**
 * Turns the key of an S3 event notification into the real object key.
 * S3 encodes keys in form style (space → `+`, literal `+` → `%2B`), so `+` becomes a space first and only then
 * are percent sequences decoded; the other order would turn an encoded `%2B` into a space.
 *
 * @example decodeS3EventKey('logs/a+b%2Bc%3A.json.gz') // 'logs/a b+c:.json.gz'
 */
export function decodeS3EventKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch (error) {
    throw new ObjectKeyDecodeError(raw, { cause: error });
  }
}

export const KEY_KINDS = ['cloudtrail', 'digest', 'insight', 'other'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** The parts of a CloudTrail log file key, e.g. for pruning a replay by date, account or region. */
export interface CloudTrailKey {
  /** Everything before `AWSLogs/`, without the trailing slash; '' when the trail has no prefix. */
  prefix: string;
  /** Set for organization trails (`AWSLogs/o-xxxx/ACCOUNT/…`). */
  orgId?: string;
  accountId: string;
  region: string;
  /** The delivery day from the key, `YYYY-MM-DD` (records inside can be older). */
  date: string;
  fileName: string;
}

const SERVICE_DIRS = new Map<string | undefined, KeyKind>([
  ['CloudTrail', 'cloudtrail'],
  ['CloudTrail-Digest', 'digest'],
  ['CloudTrail-Insight', 'insight'],
]);

const ORG_ID = /^o-[a-z0-9]+$/;

/**
 * Finds the CloudTrail service folder after an `AWSLogs` segment: it sits right after the account, which follows
 * `AWSLogs` directly or after an organization id. Returns the segment indexes, or undefined.
 */
function locateServiceDir(segments: string[]): { logs: number; service: number; kind: KeyKind } | undefined {
  for (let logs = segments.indexOf('AWSLogs'); logs !== -1; logs = segments.indexOf('AWSLogs', logs + 1)) {
    const isOrg = ORG_ID.test(segments[logs + 1] ?? '') && !SERVICE_DIRS.has(segments[logs + 2]);
    const service = isOrg ? logs + 3 : logs + 2;
    const kind = SERVICE_DIRS.get(segments[service]);
    if (kind && segments.slice(logs + 1, service).every((s) => s !== '')) return { logs, service, kind };
  }
  return undefined;
}

/**
 * Says what a key holds, so digests and Insights are skipped and other files under a shared bucket are passed over.
 * Digests and Insights are recognised by their folder anywhere in the key; log files only in the CloudTrail layout.
 */
export function classifyKey(key: string): KeyKind {
  const segments = key.split('/');
  if (segments.includes('CloudTrail-Digest')) return 'digest';
  if (segments.includes('CloudTrail-Insight')) return 'insight';
  return locateServiceDir(segments)?.kind === 'cloudtrail' ? 'cloudtrail' : 'other';
}

const YEAR = /^\d{4}$/;
const MONTH = /^(0[1-9]|1[0-2])$/;
const DAY = /^(0[1-9]|[12]\d|3[01])$/;

/**
 * Reads a CloudTrail log file key into its parts; undefined for digests, Insights and keys off the layout.
 * The account id is not checked for 12 digits: anonymised data sets carry other values.
 */
export function parseCloudTrailKey(key: string): CloudTrailKey | undefined {
  const segments = key.split('/');
  const found = locateServiceDir(segments);
  if (found?.kind !== 'cloudtrail') return undefined;
  const tail = segments.slice(found.service + 1);
  if (tail.length !== 5) return undefined;
  const [region, year, month, day, fileName] = tail as [string, string, string, string, string];
  if (!region || !fileName || !YEAR.test(year) || !MONTH.test(month) || !DAY.test(day)) return undefined;
  const owner = segments.slice(found.logs + 1, found.service);
  const parsed: CloudTrailKey = {
    prefix: segments.slice(0, found.logs).join('/'),
    accountId: owner[owner.length - 1]!,
    region,
    date: `${year}-${month}-${day}`,
    fileName,
  };
  if (owner.length === 2) parsed.orgId = owner[0]!;
  return parsed;
}
