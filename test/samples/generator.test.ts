import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FORGED_FIELD, generateDelivery, generateRecords, writeDeliveryFile, type CloudTrailRecord } from '../../samples/generator.ts';

const REQUIRED_KEYS = ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'requestParameters', 'responseElements', 'eventID', 'eventType', 'recipientAccountId'];

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depth));
}

function assertCloudTrailShape(record: CloudTrailRecord, where: string): void {
  for (const key of REQUIRED_KEYS) assert.ok(key in record, `${where}: missing ${key}`);
  assert.equal(typeof record['userIdentity'], 'object', `${where}: userIdentity`);
  assert.match(String(record['eventTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${where}: eventTime`);
  assert.match(String(record['eventSource']), /\.amazonaws\.com$/, `${where}: eventSource`);
  assert.match(String(record['eventID']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${where}: eventID`);
}

describe('Function: generateRecords()', () => {
  it('gives the same records for the same seed and different ones for another seed', () => {
    const a = [...generateRecords({ seed: 42, count: 300 })];
    const b = [...generateRecords({ seed: 42, count: 300 })];
    const c = [...generateRecords({ seed: 43, count: 300 })];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('gives every record the required CloudTrail keys', () => {
    for (const [i, record] of [...generateRecords({ seed: 1, count: 5000, regions: ['us-east-1', 'eu-west-1'] })].entries()) {
      assertCloudTrailShape(record, `record ${i}`);
    }
  });

  it('stops before the byte budget is passed', () => {
    const records = [...generateRecords({ seed: 5, targetBytes: 200_000 })];
    const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
    assert.ok(bytes <= 200_000, `${bytes} bytes`);
    assert.ok(bytes > 150_000, `${bytes} bytes`);
  });

  it('keeps to the given accounts and regions, with global services in us-east-1 only', () => {
    const records = [...generateRecords({ seed: 9, count: 4000, accounts: ['111122223333', '444455556666'], regions: ['eu-west-1', 'ap-southeast-2'] })];
    assert.deepEqual(new Set(records.map((r) => r['recipientAccountId'])), new Set(['111122223333', '444455556666']));
    assert.deepEqual(new Set(records.map((r) => r['awsRegion'])), new Set(['eu-west-1', 'ap-southeast-2']));
    assert.ok(!records.some((r) => r['eventSource'] === 'iam.amazonaws.com' || r['eventSource'] === 'signin.amazonaws.com'));
  });

  it('mixes callers, errors, sizes and nesting like a real trail', () => {
    const records = [...generateRecords({ seed: 3, count: 20_000 })];
    const types = new Set(records.map((r) => (r['userIdentity'] as Record<string, unknown>)['type']));
    for (const type of ['IAMUser', 'AssumedRole', 'AWSService']) assert.ok(types.has(type), `no ${type}`);
    const sizes = records.map((r) => JSON.stringify(r).length).sort((x, y) => x - y);
    const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
    assert.ok(median > 1000 && median < 2000, `median ${median}`);
    assert.ok(sizes.some((s) => s > 5_000 && s < 30_000), 'no 5–30 KB record');
    assert.ok(Math.max(...records.map(depth)) >= 10, 'nothing nested ten levels deep');
    const errors = records.filter((r) => 'errorCode' in r).length / records.length;
    assert.ok(errors > 0.005 && errors < 0.1, `error share ${errors}`);
    assert.ok(records.some((r) => r['responseElements'] === null) && records.some((r) => r['requestParameters'] === null));
  });

  it('hides forged-looking fields in caller text but never emits a StopLogging event', () => {
    const records = [...generateRecords({ seed: 11, count: 20_000 })];
    assert.ok(records.some((r) => JSON.stringify(r).includes(FORGED_FIELD)), 'no forged field as raw JSON');
    assert.ok(records.some((r) => String(r['userAgent']).includes(FORGED_FIELD)), 'no forged field inside a user agent');
    assert.ok(records.some((r) => JSON.stringify(r).includes('\\"')), 'no escaped quote');
    assert.ok(records.some((r) => /[^\x00-\x7f]/.test(JSON.stringify(r))), 'no non-ASCII text');
    assert.ok(!records.some((r) => r['eventName'] === 'StopLogging'));
  });
});

describe('Function: generateDelivery()', () => {
  it('gives identical bytes for the same seed and different bytes for another seed', () => {
    const a = generateDelivery({ seed: 7, count: 400 });
    assert.deepEqual(a, generateDelivery({ seed: 7, count: 400 }));
    assert.notDeepEqual(a, generateDelivery({ seed: 8, count: 400 }));
  });

  it('writes a gzip {"Records":[…]} document with a fixed header', () => {
    const gz = generateDelivery({ seed: 7, count: 250 });
    assert.deepEqual([...gz.subarray(0, 3)], [0x1f, 0x8b, 8]);
    assert.equal(gz.readUInt32LE(4), 0, 'mtime');
    assert.equal(gz[9], 3, 'OS byte');
    const doc = JSON.parse(gunzipSync(gz).toString('utf8')) as { Records: CloudTrailRecord[] };
    assert.deepEqual(Object.keys(doc), ['Records']);
    assert.equal(doc.Records.length, 250);
    assert.deepEqual(doc.Records, [...generateRecords({ seed: 7, count: 250 })]);
  });
});

describe('Function: writeDeliveryFile()', () => {
  it('streams the same bytes generateDelivery returns and reports their sizes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ct-delivery-'));
    try {
      const path = join(dir, 'delivery.json.gz');
      const stats = await writeDeliveryFile(path, { seed: 21, targetBytes: 3_000_000 });
      const written = await readFile(path);
      assert.deepEqual(written, generateDelivery({ seed: 21, targetBytes: 3_000_000 }));
      const text = gunzipSync(written);
      assert.equal(stats.bytes, text.length);
      assert.equal(stats.compressedBytes, written.length);
      assert.equal((JSON.parse(text.toString('utf8')) as { Records: unknown[] }).Records.length, stats.records);
      assert.ok(stats.bytes > 2_900_000 && stats.bytes <= 3_000_020, `${stats.bytes} bytes`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
