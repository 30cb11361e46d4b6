/**
 * The committed sample tree: two hours of one account's trail in three regions, delivered as CloudTrail does
 * (a gzip object per region about every five minutes, under the real key layout), with the intrusion of
 * scenarios.ts woven in, one digest file, and the same kind of records in the other shapes the loader accepts.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Json } from './records/catalog/types.ts';
import { gzipDeterministic } from './records/gzip.ts';
import { digestFileKey, logFileKey } from './records/keys.ts';
import { Rng } from './records/prng.ts';
import { TrafficModel } from './records/stream.ts';
import { MAIN_ACCOUNT, isoSeconds } from './records/values.ts';
import { hashSeed } from './records/world.ts';
import { scenarioEvents, type ScenarioEvent } from './scenarios.ts';

export const SAMPLE_SEED = 20250311;
export const SAMPLE_DAY = '2025-03-11';
/** The folders under samples/ that generate.ts owns and rewrites; everything else there is hand-written. */
export const GENERATED_DIRS = ['AWSLogs', 'other-shapes'] as const;

const WINDOW_START = Date.parse(`${SAMPLE_DAY}T14:00:00Z`);
const WINDOW_END = Date.parse(`${SAMPLE_DAY}T16:00:00Z`);
const DELIVERY_INTERVAL = 5 * 60_000;
/** us-east-1 also carries the global services (IAM, sign-in), so it is the busiest region. */
const REGIONS = [
  { region: 'us-east-1', meanGapMs: 12_000 },
  { region: 'eu-west-1', meanGapMs: 30_000 },
  { region: 'us-west-2', meanGapMs: 30_000 },
] as const;

export interface SampleFile {
  /** Relative to the samples folder, with forward slashes. */
  readonly path: string;
  readonly content: Buffer;
}

interface Timed {
  readonly timeMs: number;
  readonly record: Json;
}

interface Delivered {
  readonly key: string;
  readonly records: readonly Timed[];
}

function noise(model: TrafficModel, region: string, meanGapMs: number): Timed[] {
  const rng = new Rng(hashSeed(SAMPLE_SEED, 'noise', region));
  const out: Timed[] = [];
  for (let t = WINDOW_START + rng.exponential(meanGapMs); t < WINDOW_END; t += rng.exponential(meanGapMs)) {
    const timeMs = Math.floor(t);
    out.push({ timeMs, record: model.record(rng, timeMs, MAIN_ACCOUNT, region) });
  }
  return out;
}

/** Cuts one region's records into five-minute log files, each named for when CloudTrail would deliver it. */
function deliveries(region: string, records: Timed[], keyRng: Rng): Delivered[] {
  const slots = new Map<number, Timed[]>();
  for (const item of [...records].sort((a, b) => a.timeMs - b.timeMs)) {
    const slot = Math.floor((item.timeMs - WINDOW_START) / DELIVERY_INTERVAL);
    const list = slots.get(slot) ?? [];
    list.push(item);
    slots.set(slot, list);
  }
  return [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, list]) => {
      const deliveryMs = WINDOW_START + (slot + 1) * DELIVERY_INTERVAL + keyRng.range(60, 240) * 1000;
      return { key: logFileKey(MAIN_ACCOUNT, region, deliveryMs, keyRng), records: list };
    });
}

function digest(region: string, files: readonly Delivered[], bucket: string, rng: Rng): SampleFile {
  const startMs = WINDOW_START + 31_000;
  const endMs = startMs + 3_600_000;
  const inHour = files.filter((f) => {
    const first = f.records[0];
    return first !== undefined && first.timeMs >= WINDOW_START && first.timeMs < WINDOW_START + 3_600_000;
  });
  const times = (f: Delivered): string[] => f.records.map((r) => isoSeconds(r.timeMs)).sort();
  const allTimes = inHour.flatMap(times).sort();
  const key = digestFileKey(MAIN_ACCOUNT, region, 'org-audit-trail', endMs);
  // Hashes and signatures are random: nothing here validates them, and the file only has to be recognised and skipped.
  const body = {
    awsAccountId: MAIN_ACCOUNT,
    digestStartTime: isoSeconds(startMs),
    digestEndTime: isoSeconds(endMs),
    digestS3Bucket: bucket,
    digestS3Object: key,
    digestPublicKeyFingerprint: rng.hex(32),
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: allTimes[allTimes.length - 1] ?? null,
    oldestEventTime: allTimes[0] ?? null,
    previousDigestS3Bucket: bucket,
    previousDigestS3Object: digestFileKey(MAIN_ACCOUNT, region, 'org-audit-trail', startMs),
    previousDigestHashValue: rng.hex(64),
    previousDigestHashAlgorithm: 'SHA-256',
    previousDigestSignature: rng.hex(512),
    logFiles: inHour.map((f) => {
      const t = times(f);
      return { s3Bucket: bucket, s3Object: f.key, hashValue: rng.hex(64), hashAlgorithm: 'SHA-256', newestEventTime: t[t.length - 1], oldestEventTime: t[0] };
    }),
  };
  return { path: key, content: gzipDeterministic(JSON.stringify(body), 6) };
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
  );
}

/** The same kind of traffic as NDJSON and as a pretty-printed, key-sorted bare array (as export tools write it). */
function otherShapes(model: TrafficModel): SampleFile[] {
  const rng = new Rng(hashSeed(SAMPLE_SEED, 'other-shapes'));
  const take = (n: number, region: string): Json[] =>
    Array.from({ length: n }, (_, i) => model.record(rng, WINDOW_START + i * 17_000, MAIN_ACCOUNT, region));
  const ndjson = take(20, 'eu-west-1').map((r) => `${JSON.stringify(r)}\n`).join('');
  const array = `${JSON.stringify(sortKeysDeep(take(12, 'us-west-2')), null, 2)}\n`;
  return [
    { path: 'other-shapes/eu-west-1-events.ndjson', content: Buffer.from(ndjson) },
    { path: 'other-shapes/us-west-2-lookup-export.json', content: Buffer.from(array) },
  ];
}

export interface SampleSet {
  readonly files: readonly SampleFile[];
  readonly scenario: readonly ScenarioEvent[];
}

/** Everything generate.ts writes, in memory; a pure function of the constants above. */
export function buildSampleSet(): SampleSet {
  const model = new TrafficModel(SAMPLE_SEED, [MAIN_ACCOUNT], REGIONS.map((r) => r.region));
  const scenario = scenarioEvents(model, new Rng(hashSeed(SAMPLE_SEED, 'scenarios')), MAIN_ACCOUNT, SAMPLE_DAY);
  const keyRng = new Rng(hashSeed(SAMPLE_SEED, 'keys'));
  const files: SampleFile[] = [];
  for (const { region, meanGapMs } of REGIONS) {
    const records = [...noise(model, region, meanGapMs), ...scenario.filter((e) => e.region === region)];
    const delivered = deliveries(region, records, keyRng);
    for (const d of delivered) {
      files.push({ path: d.key, content: gzipDeterministic(JSON.stringify({ Records: d.records.map((r) => r.record) }), 6) });
    }
    if (region === 'us-east-1') {
      const world = model.world(MAIN_ACCOUNT, region);
      files.push(digest(region, delivered, world.buckets[world.buckets.length - 1] ?? 'org-trail-logs', keyRng));
    }
  }
  files.push(...otherShapes(model));
  return { files, scenario };
}

/** Replaces the generated folders under root with a fresh sample set. */
export async function writeSampleSet(root: string): Promise<SampleSet> {
  const set = buildSampleSet();
  for (const dir of GENERATED_DIRS) await rm(join(root, dir), { recursive: true, force: true });
  for (const file of set.files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return set;
}
