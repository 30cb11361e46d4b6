import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { detectInSource, readableMatches } from '../lambda/pipeline.ts';
import type { Match } from '../lambda/pipeline.ts';
import { compileRuleSource, RuleEngine } from '../lambda/sigma/index.ts';
import { chunked, cloudTrailRecord, deliveryJson, gzipDelivery } from './helpers/factories.ts';

const RULE = `
title: Trail stopped
id: 6f0f5f3c-0000-4000-8000-000000000001
status: test
level: high
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
  condition: selection
`;
const engine = new RuleEngine(compileRuleSource(RULE, 'stop.yml').map((r) => r.rule!));
const stop = cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' });
const other = cloudTrailRecord();

async function run(bytes: Buffer, chunk = 1024) {
  const matches: Match[] = [];
  const outcome = await detectInSource('test-source', chunked(bytes, chunk), engine, (m) => matches.push(m));
  return { outcome, matches };
}

describe('Function: detectInSource()', () => {
  it('finds the match in a gzip delivery and reports counts', async () => {
    const { outcome, matches } = await run(gzipDelivery([other, stop, other]));
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.records, 3);
    assert.equal(outcome.matches, 1);
    assert.equal(matches[0]!.recordIndex, 1);
    assert.deepEqual(matches[0]!.record, stop);
    assert.equal(matches[0]!.source, 'test-source');
  });

  it('reads plain JSON by content, whatever the name', async () => {
    const { outcome } = await run(Buffer.from(deliveryJson([stop])), 3);
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.matches, 1);
  });

  it('reads every member of a multi-member gzip', async () => {
    const bytes = Buffer.concat([gzipDelivery([stop]), gzipDelivery([other, stop])]);
    const { outcome } = await run(bytes);
    assert.equal(outcome.records, 3);
    assert.equal(outcome.matches, 2);
  });

  it('reports a truncated gzip, keeping the matches read before the cut', async () => {
    const many = Array.from({ length: 400 }, (_, i) => (i === 0 ? stop : cloudTrailRecord({ userAgent: `agent-${i}-${'x'.repeat(i)}` })));
    const full = gzipDelivery(many);
    const { outcome } = await run(full.subarray(0, Math.floor(full.length / 2)));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.kind, 'truncated-gzip');
    assert.match(outcome.error!.message, /^test-source: /);
    assert.equal(outcome.matches, 1);
  });

  it('reports gzip of non-JSON content', async () => {
    const { outcome } = await run(gzipSync(Buffer.from('this is not json')));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.kind, 'not-json');
  });

  it('reports an empty object and a JSON object without Records', async () => {
    assert.equal((await run(Buffer.alloc(0))).outcome.error?.kind, 'empty');
    const { outcome } = await run(Buffer.from('{"hello":"world"}'));
    assert.equal(outcome.error?.kind, 'no-records');
  });

  it('skips a digest file recognised by its content', async () => {
    const digest = { awsAccountId: '123456789012', digestStartTime: 'x', digestEndTime: 'y', logFiles: [], digestPublicKeyFingerprint: 'ab' };
    const { outcome } = await run(gzipSync(Buffer.from(JSON.stringify(digest))));
    assert.equal(outcome.status, 'skipped');
    assert.match(outcome.skipReason!, /digest/);
  });

  it('reads an empty delivery as ok with no records', async () => {
    const { outcome } = await run(gzipSync(Buffer.from('{"Records":[]}')));
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.records, 0);
  });

  it('reports a record with invalid JSON inside when a rule reads it, and still evaluates the others', async () => {
    const bad = '{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"x":bad}}';
    const readingRule = compileRuleSource(`${RULE.replace('condition: selection', 'filter: { requestParameters.x: y }\n  condition: selection and not filter')}`, 'r.yml')[0]!.rule!;
    const matches: Match[] = [];
    const outcome = await detectInSource('s', chunked(Buffer.from(`{"Records":[${bad},${JSON.stringify(stop)}]}`), 9), new RuleEngine([readingRule]), (m) => matches.push(m));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.kind, 'bad-record');
    assert.equal(outcome.error?.recordIndex, 0);
    assert.equal(outcome.badRecords, 1);
    assert.equal(outcome.matches, 1);
    assert.deepEqual(matches[0]!.record, stop);
  });

  it('does not parse a value whose text lacks the key a rule reads there; the broken record is reported when read', async () => {
    // The text of requestParameters holds no "x": the field is absent whatever the rest of that text is.
    const bad = '{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{bad}}';
    const readingRule = compileRuleSource(`${RULE.replace('condition: selection', 'filter: { requestParameters.x: y }\n  condition: selection and not filter')}`, 'r.yml')[0]!.rule!;
    const matches: Match[] = [];
    const outcome = await detectInSource('s', chunked(Buffer.from(`{"Records":[${bad}]}`), 9), new RuleEngine([readingRule]), (m) => matches.push(m));
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.matches, 1);
    const { errors } = readableMatches(matches);
    assert.equal(errors[0]?.kind, 'bad-record');
  });

  it('finds a nested key written with escapes, and one whose literal dotted name holds the rest of the path', async () => {
    const readingRule = (field: string) => compileRuleSource(RULE.replace('eventName: StopLogging', `eventName: StopLogging\n    ${field}: y`), 'r.yml')[0]!.rule!;
    const records = [
      '{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"\\u0078":"y"}}',
      '{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"a":{"b":"\\"q"}, "a.b":"y"}}',
      '{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"a.b":"y"}}',
    ];
    const cases: [string, number][] = [['requestParameters.x', 1], ['requestParameters.a.b', 2]];
    for (const [field, expected] of cases) {
      const matches: Match[] = [];
      await detectInSource('s', chunked(Buffer.from(`{"Records":[${records.join(',')}]}`), 9), new RuleEngine([readingRule(field)]), (m) => matches.push(m));
      assert.equal(matches.length, expected, field);
    }
  });

  it('gives a matched record whose JSON is broken as a bad-record error when it is read', async () => {
    const bad = '{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{bad}}';
    const { outcome, matches } = await run(Buffer.from(`{"Records":[${bad},${JSON.stringify(stop)}]}`));
    assert.equal(outcome.matches, 2);
    const { readable, errors } = readableMatches(matches);
    assert.equal(readable.length, 1);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.kind, 'bad-record');
    assert.equal(errors[0]!.recordIndex, 0);
    assert.match(errors[0]!.message, /^test-source: record 0 is not valid JSON/);
  });

  it('evaluates records with __proto__ / constructor keys without polluting prototypes', async () => {
    const body = `{"Records":[{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}]}`;
    const { outcome, matches } = await run(Buffer.from(body));
    assert.equal(outcome.matches, 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.hasOwn(matches[0]!.record.requestParameters as object, '__proto__'));
  });

  it('decodes invalid UTF-8 with replacement characters and keeps going', async () => {
    const bytes = Buffer.concat([Buffer.from('{"Records":[{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","userAgent":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]);
    const { outcome, matches } = await run(bytes, 7);
    assert.equal(outcome.status, 'ok');
    assert.equal(matches.length, 1);
    assert.match(String(matches[0]!.record.userAgent), /\uFFFD/);
  });

  it('reports a record nested thousands of levels deep without evaluating it, and evaluates the others', async () => {
    const deep = `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":${'['.repeat(10_000)}1${']'.repeat(10_000)}}`;
    const { outcome, matches } = await run(Buffer.from(`{"Records":[${deep},${JSON.stringify(stop)}]}`), 4096);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.kind, 'record-too-deep');
    assert.equal(outcome.error?.recordIndex, 0);
    assert.equal(matches.length, 1);
    assert.equal(matches[0]!.recordIndex, 1);
  });

  it('takes a later NDJSON record with digest-like keys as a record, not the file as a digest', async () => {
    const odd = { ...stop, digestPublicKeyFingerprint: 'ab' };
    const { outcome, matches } = await run(Buffer.from([stop, odd, stop].map((r) => JSON.stringify(r)).join('\n')));
    assert.equal(outcome.status, 'ok');
    assert.equal(matches.length, 3);
  });
});
