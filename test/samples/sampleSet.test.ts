import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FORGED_FIELD } from '../../samples/generator.ts';
import { GENERATED_DIRS, buildSampleSet, writeSampleSet } from '../../samples/sampleSet.ts';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const LOG_KEY = /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d\d)\/(\d\d)\/\1_CloudTrail_\2_\3\4\5T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;
const DIGEST_KEY = /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/\d{4}\/\d\d\/\d\d\/\1_CloudTrail-Digest_\2_[\w-]+_\2_\d{8}T\d{6}Z\.json\.gz$/;

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of GENERATED_DIRS) {
    const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isFile()) out.push(relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
  }
  return out.sort();
}

/** Gzip bytes may differ between zlib builds, so .gz files are compared by their content, the rest byte for byte. */
async function content(root: string, path: string): Promise<Buffer> {
  const bytes = await readFile(join(root, path));
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringValues);
}

function logRecords(): Record<string, unknown>[] {
  return buildSampleSet()
    .files.filter((f) => LOG_KEY.test(f.path))
    .flatMap((f) => (JSON.parse(gunzipSync(f.content).toString('utf8')) as { Records: Record<string, unknown>[] }).Records);
}

describe('samples/', () => {
  it('holds exactly what generate.ts produces now (run `npm run samples` after changing the generator)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ct-samples-'));
    try {
      await writeSampleSet(dir);
      const fresh = await listFiles(dir);
      assert.deepEqual(await listFiles(SAMPLES), fresh);
      for (const path of fresh) assert.deepEqual(await content(SAMPLES, path), await content(dir, path), `${path} differs`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names log and digest files with the real key layout, and every gzip file parses', async () => {
    const files = buildSampleSet().files.filter((f) => f.path.endsWith('.gz'));
    const digests = files.filter((f) => DIGEST_KEY.test(f.path));
    assert.equal(digests.length, 1);
    for (const f of files) {
      assert.ok(LOG_KEY.test(f.path) || DIGEST_KEY.test(f.path), `unexpected key ${f.path}`);
      const doc = JSON.parse(gunzipSync(f.content).toString('utf8')) as Record<string, unknown>;
      assert.equal(Array.isArray(doc['Records']), LOG_KEY.test(f.path), `${f.path}: Records only in log files`);
    }
  });

  it('keeps each log file to one account and region, like CloudTrail', () => {
    for (const f of buildSampleSet().files.filter((x) => LOG_KEY.test(x.path))) {
      const [, account, region] = LOG_KEY.exec(f.path) ?? [];
      const { Records } = JSON.parse(gunzipSync(f.content).toString('utf8')) as { Records: Record<string, unknown>[] };
      assert.ok(Records.length > 0, `${f.path} is empty`);
      for (const r of Records) {
        assert.equal(r['recipientAccountId'], account, f.path);
        assert.equal(r['awsRegion'], region, f.path);
      }
    }
  });

  it('reads NDJSON and a bare array as the other shapes', () => {
    const shapes = buildSampleSet().files.filter((f) => f.path.startsWith('other-shapes/'));
    const ndjson = shapes.find((f) => f.path.endsWith('.ndjson'));
    const array = shapes.find((f) => f.path.endsWith('.json'));
    assert.ok(ndjson && array);
    const lines = ndjson.content.toString('utf8').trimEnd().split('\n');
    assert.ok(lines.every((l) => typeof (JSON.parse(l) as { eventName?: unknown }).eventName === 'string'));
    assert.ok(Array.isArray(JSON.parse(array.content.toString('utf8'))));
  });

  it('contains each attack step once, and StopLogging only as the real event', () => {
    const records = logRecords();
    const count = (name: string): number => records.filter((r) => r['eventName'] === name).length;
    for (const name of ['CreateApiKey', 'StopLogging', 'DeleteTrail', 'CreateAccessKey', 'AttachUserPolicy', 'DeleteDetector', 'PutBucketPolicy', 'PutBucketPublicAccessBlock', 'ModifySnapshotAttribute', 'ScheduleKeyDeletion', 'GetPasswordData', 'SendCommand']) {
      assert.equal(count(name), 1, name);
    }
    const apiKey = records.find((r) => r['eventName'] === 'CreateApiKey');
    assert.equal(apiKey?.['errorCode'], 'AccessDenied');
    assert.equal(apiKey?.['eventSource'], 'appsync.amazonaws.com');
    assert.match(String((apiKey?.['responseElements'] as Record<string, unknown>)['message']), /is not authorized to perform: appsync:CreateApiKey/);
    const failed = records.filter((r) => r['eventName'] === 'ConsoleLogin' && r['errorMessage'] === 'Failed authentication');
    assert.ok(failed.length >= 10, `${failed.length} failed logins`);
    const rootLogin = records.filter((r) => r['eventName'] === 'ConsoleLogin' && (r['userIdentity'] as Record<string, unknown>)['type'] === 'Root');
    assert.ok(rootLogin.some((r) => (r['additionalEventData'] as Record<string, unknown>)['MFAUsed'] === 'No'));
    // Decoys carry the forged field as raw JSON (a tag map) or inside a string value (an object key, a user agent).
    const decoys = records.filter((r) => r['eventName'] !== 'StopLogging' && (JSON.stringify(r).includes(FORGED_FIELD) || stringValues(r).some((v) => v.includes(FORGED_FIELD))));
    assert.ok(decoys.length >= 3, `${decoys.length} decoys`);
  });
});
