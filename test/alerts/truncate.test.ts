import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitRecord, marker, TRUNCATION_MARKER } from '../../lambda/alerts/truncate.ts';
import { cloudTrailRecord } from '../helpers/factories.ts';

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const under = (bytes: number) => (r: Record<string, unknown>) => size(r) <= bytes;

describe('Function: fitRecord()', () => {
  it('returns the very record when it fits', () => {
    const record = cloudTrailRecord();
    const fitted = fitRecord(record, under(100_000));
    assert.equal(fitted.record, record);
    assert.equal(fitted.truncated, false);
  });

  it('cuts the largest other fields first, with a preview and a marker, keeping every key field', () => {
    const record = cloudTrailRecord({
      eventName: 'PutBucketPolicy',
      requestParameters: { policy: 'p'.repeat(200_000) },
      responseElements: { small: 'r'.repeat(5_000) },
      errorMessage: 'denied',
    });
    const fitted = fitRecord(record, under(20_000));
    assert.equal(fitted.truncated, true);
    assert.ok(size(fitted.record) <= 20_000);
    const cutValue = fitted.record.requestParameters as string;
    assert.equal(typeof cutValue, 'string');
    assert.ok(cutValue.startsWith('{"policy":"ppp'), 'a preview of the start stays');
    assert.ok(cutValue.endsWith(`${TRUNCATION_MARKER} ${size(record.requestParameters)} bytes`));
    assert.deepEqual(fitted.record.responseElements, record.responseElements, 'the smaller field was not needed to fit');
    for (const key of ['eventID', 'eventName', 'eventTime', 'userIdentity', 'sourceIPAddress', 'userAgent', 'errorMessage', 'recipientAccountId']) {
      assert.deepEqual(fitted.record[key], record[key], key);
    }
  });

  it('does not change the record it was given', () => {
    const record = cloudTrailRecord({ requestParameters: { big: 'x'.repeat(50_000) } });
    const before = JSON.stringify(record);
    fitRecord(record, under(5_000));
    assert.equal(JSON.stringify(record), before);
  });

  it('cuts key fields only when the other fields are not enough', () => {
    const record = cloudTrailRecord({ userAgent: 'u'.repeat(100_000), requestParameters: { a: 1 } });
    const fitted = fitRecord(record, under(10_000));
    assert.ok(size(fitted.record) <= 10_000);
    const agent = fitted.record.userAgent as string;
    assert.ok(agent.startsWith('"uuu') && agent.endsWith(`${TRUNCATION_MARKER} ${size(record.userAgent)} bytes`), agent.slice(-60));
    assert.equal(fitted.record.eventID, record.eventID);
  });

  it('falls back to the event id, name and time when nothing else fits', () => {
    const record = cloudTrailRecord({ userAgent: 'u'.repeat(100_000) });
    const fitted = fitRecord(record, under(300));
    assert.deepEqual(fitted.record, { eventID: record.eventID, eventName: record.eventName, eventTime: record.eventTime, truncated: TRUNCATION_MARKER });
  });
});

describe('Function: marker()', () => {
  it('says how many bytes of JSON the value had', () => {
    assert.equal(marker({ a: 'é' }, 0), `${TRUNCATION_MARKER} 10 bytes`);
    assert.equal(marker({ a: 1 }, 3), `{"a ${TRUNCATION_MARKER} 7 bytes`);
  });
});
