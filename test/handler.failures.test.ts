/** The failure record: what the handler's error carries to the failure queue, and how redrive reads it back. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorSummary, failedObjectsIn, ObjectsFailedError, readFailureMessage } from '../lambda/failures.ts';
import type { ObjectResult } from '../lambda/objectProcessor.ts';

function result(key: string, status: ObjectResult['status'], kind?: string, message = 'why'): ObjectResult {
  return {
    source: `s3://b/${key}`, bucket: 'b', key, status, records: 0, matches: 0, bytes: 0, durationMs: 1, attempts: 1,
    alertsPublished: 0, alertsDeduplicated: 0, alertsAggregated: 0,
    ...(kind ? { error: { kind, message, transient: kind === 'transient' } } : {}),
  };
}

describe('Class: ObjectsFailedError', () => {
  it('says how many of how many failed on its first line and lists each failed object as JSON on the next', () => {
    const err = new ObjectsFailedError([result('ok.json.gz', 'ok'), result('a b+c.json.gz', 'failed', 'no-such-key', 'gone'), result('t.json.gz', 'failed', 'transient', 'SlowDown')]);
    assert.equal(errorSummary(err.message), '2 of 3 object(s) failed: s3://b/a b+c.json.gz (no-such-key: gone); s3://b/t.json.gz (transient: SlowDown)');
    assert.deepEqual(failedObjectsIn(err.message), [
      { bucket: 'b', key: 'a b+c.json.gz', kind: 'no-such-key', transient: false, message: 'gone' },
      { bucket: 'b', key: 't.json.gz', kind: 'transient', transient: true, message: 'SlowDown' },
    ]);
    assert.deepEqual(err.failed.map((f) => f.key), ['a b+c.json.gz', 't.json.gz']);
  });

  it('stays small with many failures: five named on the first line, and no list past 100 (redrive then redoes every object)', () => {
    const many = Array.from({ length: 150 }, (_, i) => result(`k${i}`, 'failed', 'transient', 'x'.repeat(5000)));
    const err = new ObjectsFailedError(many);
    assert.match(errorSummary(err.message), /; and 145 more$/);
    assert.ok(err.message.length < 40_000, `${err.message.length} characters`);
    assert.equal(failedObjectsIn(err.message), undefined);
    assert.equal(failedObjectsIn(new ObjectsFailedError(many.slice(0, 100)).message)?.length, 100);
  });
});

describe('Function: failedObjectsIn()', () => {
  it('returns undefined for messages that are not ours or are damaged', () => {
    assert.equal(failedObjectsIn('Task timed out after 300.00 seconds'), undefined);
    assert.equal(failedObjectsIn('x\nfailedObjects={"complete":true,"objects":[{"bucket":1}]}'), undefined);
    assert.equal(failedObjectsIn('x\nfailedObjects={"complete":true,'), undefined);
  });
});

describe('Function: readFailureMessage()', () => {
  const event = { Records: [{ eventSource: 'aws:s3' }] };

  it('reads a Lambda on-failure record: the original event, the condition and the failed objects', () => {
    const err = new ObjectsFailedError([result('k.json.gz', 'failed', 'access-denied')]);
    const record = { version: '1.0', requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 }, requestPayload: event, responsePayload: { errorType: err.name, errorMessage: err.message } };
    const m = readFailureMessage(JSON.stringify(record));
    assert.equal(m.shape, 'invocation-record');
    assert.deepEqual(m.event, event);
    assert.equal(m.previousError, 'RetriesExhausted, 1 object(s) failed');
    assert.equal(m.failedObjects?.[0]?.kind, 'access-denied');
  });

  it('keeps the error of a record whose error names no object, and the condition of one with no error', () => {
    const timeout = { requestContext: { condition: 'RetriesExhausted' }, requestPayload: event, responsePayload: { errorMessage: 'Task timed out after 300.00 seconds' } };
    assert.equal(readFailureMessage(JSON.stringify(timeout)).previousError, 'RetriesExhausted (Task timed out after 300.00 seconds)');
    const tooOld = { requestContext: { condition: 'EventAgeExceeded' }, requestPayload: event };
    assert.deepEqual(readFailureMessage(JSON.stringify(tooOld)), { event, shape: 'invocation-record', previousError: 'EventAgeExceeded' });
  });

  it('reads a raw event with the error attributes EventBridge adds', () => {
    const m = readFailureMessage(JSON.stringify(event), { ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: 'Function was throttled' });
    assert.deepEqual(m, { event, shape: 'event', previousError: 'SDK_CLIENT_ERROR: Function was throttled' });
  });

  it('throws a SyntaxError for a body that is not JSON', () => {
    assert.throws(() => readFailureMessage('nope'), SyntaxError);
  });
});
