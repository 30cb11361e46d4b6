import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitStorms, summarizeStorm, topValues } from '../../lambda/alerts/storm.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { cloudTrailRecord } from '../helpers/factories.ts';
import { matchesOf } from './matches.ts';

describe('Function: splitStorms()', () => {
  const items = ['a1', 'b1', 'a2', 'a3', 'b2', 'c1'];
  const byLetter = (s: string) => s[0]!;

  it('keeps groups of up to the threshold as single items, in order', () => {
    assert.deepEqual(splitStorms(items, byLetter, 3), { singles: items, storms: [] });
  });

  it('turns a group of more than the threshold into one storm', () => {
    assert.deepEqual(splitStorms(items, byLetter, 2), { singles: ['b1', 'b2', 'c1'], storms: [['a1', 'a2', 'a3']] });
  });
});

describe('Function: topValues()', () => {
  it('counts values, most frequent first, ties in order of appearance, empty values left out', () => {
    assert.deepEqual(topValues(['x', 'y', '', 'y', 'z', 'x', 'y'], 2), [{ value: 'y', count: 3 }, { value: 'x', count: 2 }]);
  });
});

describe('Function: summarizeStorm()', () => {
  it('gives count, first and last time, top actors and addresses, and samples in record order', async () => {
    const records = [
      cloudTrailRecord({ eventName: 'CreateApiKey', eventTime: '2026-11-30T10:05:00Z', sourceIPAddress: '198.51.100.7' }),
      cloudTrailRecord({ eventName: 'CreateApiKey', eventTime: '2026-11-30T10:01:00Z', sourceIPAddress: '198.51.100.7' }),
      cloudTrailRecord({
        eventName: 'CreateApiKey', eventTime: '2026-11-30T10:09:30Z', sourceIPAddress: '203.0.113.9',
        userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/ci/run-1', accountId: '123456789012' },
      }),
    ];
    const docs = (await matchesOf(records)).map(matchDocument);
    const s = summarizeStorm(docs);
    assert.equal(s.count, 3);
    assert.equal(s.firstEventTime, '2026-11-30T10:01:00Z');
    assert.equal(s.lastEventTime, '2026-11-30T10:09:30Z');
    assert.deepEqual(s.topActors, [
      { value: 'arn:aws:iam::123456789012:user/alice', count: 2 },
      { value: 'arn:aws:sts::123456789012:assumed-role/ci/run-1', count: 1 },
    ]);
    assert.deepEqual(s.topSourceIPs, [{ value: '198.51.100.7', count: 2 }, { value: '203.0.113.9', count: 1 }]);
    assert.deepEqual(s.eventNames, [{ value: 'CreateApiKey', count: 3 }]);
    assert.deepEqual(s.samples.map((x) => x.eventID), records.map((r) => r.eventID));
    assert.match(s.samples[0]!.url!, /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudtrail\/home\?region=us-east-1#\/events\//);
  });

  it('caps huge values so an aggregate stays small', async () => {
    const docs = (await matchesOf([cloudTrailRecord({ eventName: 'CreateApiKey', sourceIPAddress: 'x'.repeat(100_000) })])).map(matchDocument);
    assert.ok(JSON.stringify(summarizeStorm(docs)).length < 5_000);
  });
});
