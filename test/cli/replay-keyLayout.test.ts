/** Which folders of the trail layout a filtered replay lists, splits or prunes, and which keys it reads. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkKey, decideFolder } from '../../cli/replay/keyLayout.ts';
import { compareKeys } from '../../cli/replay/listing.ts';

const org = 'AWSLogs/o-abc123/111111111111/CloudTrail/';
const f = (over: object) => ({ since: '2025-02-27', until: '2025-03-02', ...over });

describe('Function: decideFolder()', () => {
  it('descends above the layout and through organization and account folders', () => {
    for (const folder of ['', 'trail/', 'AWSLogs/', 'AWSLogs/o-abc123/', 'AWSLogs/o-abc123/111111111111/']) {
      assert.deepEqual(decideFolder(folder, f({})), { action: 'descend' }, folder);
    }
  });

  it('prunes digests, Insights, other services and unselected accounts and regions', () => {
    const filter = f({ accounts: new Set(['111111111111']), regions: new Set(['eu-west-1']) });
    assert.deepEqual(decideFolder('AWSLogs/o-abc123/111111111111/CloudTrail-Digest/', filter), { action: 'prune', reason: 'digest' });
    assert.deepEqual(decideFolder('AWSLogs/111111111111/CloudTrail-Insight/', filter), { action: 'prune', reason: 'insight' });
    assert.deepEqual(decideFolder('AWSLogs/111111111111/vpcflowlogs/', filter), { action: 'prune', reason: 'service' });
    assert.deepEqual(decideFolder('AWSLogs/222222222222/', filter), { action: 'prune', reason: 'account' });
    assert.deepEqual(decideFolder(`${org}us-east-1/`, filter), { action: 'prune', reason: 'region' });
  });

  it('splits a year and a month that straddle the range into the month and day folders inside it', () => {
    const year = decideFolder(`${org}eu-west-1/2025/`, f({}));
    assert.deepEqual(year, { action: 'split', children: [`${org}eu-west-1/2025/02/`, `${org}eu-west-1/2025/03/`] });
    assert.deepEqual(decideFolder(`${org}eu-west-1/2025/02/`, f({})), { action: 'split', children: [27, 28].map((d) => `${org}eu-west-1/2025/02/${d}/`) });
    assert.deepEqual(decideFolder(`${org}eu-west-1/2025/03/02/`, f({})), { action: 'list' });
    assert.deepEqual(decideFolder(`${org}eu-west-1/2024/`, f({})), { action: 'prune', reason: 'date' });
  });

  it('lists whole folders once no filter is left below them', () => {
    assert.deepEqual(decideFolder(org, { accounts: new Set(['111111111111']) }), { action: 'list' });
    assert.deepEqual(decideFolder(`${org}eu-west-1/`, { regions: new Set(['eu-west-1']) }), { action: 'list' });
    assert.deepEqual(decideFolder(`${org}eu-west-1/2025/`, { since: '2024-06-01' }), { action: 'list' });
  });
});

describe('Function: checkKey()', () => {
  const key = `${org}eu-west-1/2025/03/01/111111111111_CloudTrail_eu-west-1_20250301T0005Z_abc.json.gz`;
  it('reads log files in range and says why it skips the others', () => {
    assert.equal(checkKey(key, f({})), undefined);
    assert.equal(checkKey(key, f({ until: '2025-02-28' })), 'date');
    assert.equal(checkKey(key, f({ regions: new Set(['us-east-1']) })), 'region');
    assert.equal(checkKey(key.replace('/CloudTrail/', '/CloudTrail-Digest/'), {}), 'digest');
    assert.equal(checkKey('AWSLogs/README.txt', {}), 'layout');
    assert.equal(checkKey('exports/copy.json.gz', {}), undefined, 'without filters any log file kind is read, as in scan');
    assert.equal(checkKey('exports/copy.json.gz', f({})), 'layout', 'with filters a key off the layout cannot be placed');
  });
});

describe('Function: compareKeys()', () => {
  it('orders keys by UTF-8 bytes, as S3 lists them', () => {
    assert.ok(compareKeys('a\uffff', 'a\u{1f600}') < 0);
    assert.ok('a\uffff' > 'a\u{1f600}', 'JavaScript string order differs here');
  });
});
