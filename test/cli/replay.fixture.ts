/**
 * An organization trail in S3 for replay tests: three accounts, two regions, four days of log files built from the
 * committed samples' records (so the intrusion scenario's matches are spread over them), a digest per folder,
 * an Insights file, a file off the layout and one corrupt object. The same files can be written to a folder, so
 * `scan` sees exactly what `replay` lists.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ROOT } from '../helpers/cli.ts';

export const BUCKET = 'org-trail';
export const ORG = 'o-abc123def4';
export const ACCOUNTS = ['111111111111', '222222222222', '333333333333'] as const;
export const REGIONS = ['us-east-1', 'eu-west-1'] as const;
export const DAYS = ['2025-03-09', '2025-03-10', '2025-03-11', '2025-03-12'] as const;
export const PREFIX = `AWSLogs/${ORG}/`;

export interface FixtureObject {
  readonly key: string;
  readonly body: Buffer;
}

/** Every record of the committed sample deliveries, in file order. */
function sampleRecords(): unknown[] {
  const walk = (d: string): string[] =>
    readdirSync(d).sort().flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(join(ROOT, 'samples', 'AWSLogs'))
    .filter((f) => f.includes('/CloudTrail/'))
    .flatMap((f) => (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: unknown[] }).Records);
}

export const logKey = (account: string, region: string, day: string, n: number) => {
  const [y, m, d] = day.split('-');
  const time = `${String(n).padStart(2, '0')}05`;
  return `${PREFIX}${account}/CloudTrail/${region}/${y}/${m}/${d}/${account}_CloudTrail_${region}_${y}${m}${d}T${time}Z_u${n}x${account.slice(0, 2)}.json.gz`;
};

/** The corrupt object: account 3, us-east-1, the last day (outside the filtered runs of the tests). */
export const CORRUPT_KEY = logKey(ACCOUNTS[2], 'us-east-1', DAYS[3], 99);

/** `perFolder` log files in each account/region/day folder (the sample records dealt round-robin), plus the extras. */
export function buildTrailFixture(perFolder: number): FixtureObject[] {
  const records = sampleRecords();
  const folders = ACCOUNTS.flatMap((a) => REGIONS.flatMap((r) => DAYS.map((d) => [a, r, d] as const)));
  const files = folders.length * perFolder;
  const objects: FixtureObject[] = [];
  let i = 0;
  for (const [account, region, day] of folders) {
    for (let n = 0; n < perFolder; n++, i++) {
      const mine = records.filter((_, j) => j % files === i);
      objects.push({ key: logKey(account, region, day, n), body: gzipSync(JSON.stringify({ Records: mine })) });
    }
    const [y, m, d] = day.split('-');
    const digestKey = `${PREFIX}${account}/CloudTrail-Digest/${region}/${y}/${m}/${d}/${account}_CloudTrail-Digest_${region}_org-trail_${region}_${y}${m}${d}T235959Z.json.gz`;
    const digest = { awsAccountId: account, digestStartTime: `${day}T00:00:00Z`, digestEndTime: `${day}T23:59:59Z`, digestPublicKeyFingerprint: 'ab12', logFiles: [] };
    objects.push({ key: digestKey, body: gzipSync(JSON.stringify(digest)) });
  }
  const good = gzipSync(JSON.stringify({ Records: records.slice(0, 3) }));
  objects.push({ key: CORRUPT_KEY, body: good.subarray(0, Math.floor(good.length / 2)) });
  objects.push({
    key: `${PREFIX}${ACCOUNTS[0]}/CloudTrail-Insight/us-east-1/2025/03/10/${ACCOUNTS[0]}_CloudTrail-Insight_us-east-1_20250310T1200Z_ins.json.gz`,
    body: gzipSync(JSON.stringify({ Records: [{ eventType: 'AwsCloudTrailInsight', insightDetails: {} }] })),
  });
  objects.push({ key: `${PREFIX}README.txt`, body: Buffer.from('not a log file\n') });
  return objects;
}

export async function uploadFixture(s3: S3Client, objects: readonly FixtureObject[]): Promise<void> {
  const queue = [...objects];
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let o = queue.shift(); o; o = queue.shift()) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: o.key, Body: o.body }));
  }));
}

export function writeFixture(dir: string, objects: readonly FixtureObject[]): void {
  for (const o of objects) {
    mkdirSync(dirname(join(dir, o.key)), { recursive: true });
    writeFileSync(join(dir, o.key), o.body);
  }
}

/** A match as `key#recordIndex#ruleFile`, whichever command printed it (`source` is a path or s3://bucket/key). */
export function matchId(m: Record<string, unknown>, base: string): string {
  const source = String(m.source);
  const key = source.startsWith(base) ? source.slice(base.length).replace(/^[\\/]/, '').split('\\').join('/') : source;
  return `${key}#${m.recordIndex}#${m.ruleFile}`;
}

/** The environment that points the CLI's AWS SDK clients at moto. */
export function motoEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL_SNS: endpoint,
    AWS_ENDPOINT_URL_SFN: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
