/** S3 object keys as CloudTrail writes them, for log files and digest files. */
import type { Rng } from './prng.ts';

function stamp(ms: number, withSeconds: boolean): { day: string; compact: string } {
  const iso = new Date(ms).toISOString();
  const day = iso.slice(0, 10).replaceAll('-', '/');
  const compact = `${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, withSeconds ? 19 : 16).replaceAll(':', '')}Z`;
  return { day, compact };
}

/** `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz` */
export function logFileKey(account: string, region: string, deliveryMs: number, rng: Rng): string {
  const { day, compact } = stamp(deliveryMs, false);
  return `AWSLogs/${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${compact}_${rng.alnum(16)}.json.gz`;
}

/** `AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_REGION_YYYYMMDDTHHmmssZ.json.gz` */
export function digestFileKey(account: string, region: string, trailName: string, endMs: number): string {
  const { day, compact } = stamp(endMs, true);
  return `AWSLogs/${account}/CloudTrail-Digest/${region}/${day}/${account}_CloudTrail-Digest_${region}_${trailName}_${region}_${compact}.json.gz`;
}
