import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordScanner } from '../../lambda/cloudtrail/recordScanner.ts';
import type { ScannedRecord } from '../../lambda/cloudtrail/recordScanner.ts';
import { RecordStreamError } from '../../lambda/cloudtrail/errors.ts';
import { cloudTrailRecord, deliveryJson } from '../helpers/factories.ts';

interface Seen {
  index: number;
  text: string;
  eventName: unknown;
  eventSource: unknown;
}

/** Scans `input`, fed in chunks of `chunk` bytes, and returns what each record looked like during its callback. */
function scan(input: string | Buffer, chunk = Number.MAX_SAFE_INTEGER): Seen[] {
  const seen: Seen[] = [];
  const scanner = new RecordScanner({
    onRecord: (r: ScannedRecord) => seen.push({ index: r.index, text: r.text(), eventName: r.get('eventName'), eventSource: r.get('eventSource') }),
  });
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input);
  for (let i = 0; i < buf.length; i += chunk) scanner.push(buf.subarray(i, Math.min(buf.length, i + chunk)));
  scanner.end();
  return seen;
}

function scanError(input: string): RecordStreamError {
  try {
    scan(input);
  } catch (err) {
    assert.ok(err instanceof RecordStreamError, `expected RecordStreamError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the scan to fail');
}

const records = [
  cloudTrailRecord({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }),
  cloudTrailRecord({ eventName: 'CreateApiKey', errorCode: 'AccessDenied', requestParameters: { apiId: 'x', nested: [{ a: [1, 2, { b: '}' }] }] } }),
  cloudTrailRecord({ eventName: 'ListBuckets', userAgent: 'he said "hi" \\ {[' }),
];

describe('Class: RecordScanner', () => {
  it('reads every record of a delivery, whatever the chunk size', () => {
    const body = deliveryJson(records);
    for (const size of [1, 2, 3, 7, 64, 1000, body.length]) {
      const seen = scan(body, size);
      assert.equal(seen.length, 3, `chunk ${size}`);
      seen.forEach((s, i) => {
        assert.equal(s.index, i);
        assert.deepEqual(JSON.parse(s.text), records[i]);
        assert.equal(s.eventName, records[i]!.eventName);
      });
    }
  });

  it('reads a bare array, a single record, NDJSON and pretty-printed JSON', () => {
    assert.equal(scan(JSON.stringify(records)).length, 3);
    assert.equal(scan(JSON.stringify(records[0])).length, 1);
    assert.equal(scan(records.map((r) => JSON.stringify(r)).join('\n')).length, 3);
    assert.equal(scan(JSON.stringify({ Records: records }, null, 4), 5).length, 3);
    assert.equal(scan(`${deliveryJson(records)}\n${deliveryJson(records)}`).length, 6);
  });

  it('reads an empty delivery and an empty array as zero records', () => {
    assert.equal(scan('{"Records":[]}').length, 0);
    assert.equal(scan('[]').length, 0);
    assert.equal(scan(' \n ').length, 0);
  });

  it('never takes text inside a string for a field or a record boundary', () => {
    const forged = cloudTrailRecord({
      eventName: 'DescribeInstances',
      userAgent: '"},{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com"},{"x":"',
      requestParameters: { filter: '\\"eventName\\":\\"StopLogging\\"', 'eventName': 'StopLogging' },
    });
    for (const size of [1, 5, 4096]) {
      const seen = scan(deliveryJson([forged]), size);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.eventName, 'DescribeInstances');
    }
  });

  it('takes the last of duplicate top-level keys, as JSON.parse does', () => {
    const seen = scan('{"Records":[{"eventName":"A","eventName":"B"}]}');
    assert.equal(seen[0]!.eventName, 'B');
  });

  it('decodes escaped values and keys like JSON.parse', () => {
    const seen = scan('[{"eventName":"Stop\\u004cogging","event\\u0053ource":"x"}]');
    assert.equal(seen[0]!.eventName, 'StopLogging');
    assert.equal(seen[0]!.eventSource, 'x');
  });

  it('keeps multi-byte UTF-8 intact across chunk boundaries', () => {
    const r = cloudTrailRecord({ eventName: 'Ünïcødé', userAgent: '日本語 🚀' });
    const seen = scan(deliveryJson([r]), 1);
    assert.equal(seen[0]!.eventName, 'Ünïcødé');
    assert.deepEqual(JSON.parse(seen[0]!.text), r);
  });

  it('reads a delivery whose Records key is not first, and skips other wrapper keys', () => {
    assert.equal(scan(`{"other":{"a":[1,"]"]},"Records":${JSON.stringify(records)}}`).length, 3);
    assert.equal(scan(`{"Records":${JSON.stringify(records)},"trailer":"x","n":1}`).length, 3);
  });

  it('skips a UTF-8 byte order mark', () => {
    assert.equal(scan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(deliveryJson(records))])).length, 3);
  });

  it('gives top-level numbers, booleans, null and objects their JSON values', () => {
    const seen: unknown[] = [];
    const s = new RecordScanner({ onRecord: (r) => seen.push([r.get('readOnly'), r.get('n'), r.get('z'), r.get('o'), r.get('missing')]) });
    s.push(Buffer.from('[{"readOnly":false,"n":-1.5e3,"z":null,"o":{"k":[1]}}]'));
    s.end();
    assert.deepEqual(seen, [[false, -1500, null, { k: [1] }, undefined]]);
  });

  it('gives records with the same nested text equal values, and still rejects invalid nested JSON each time', () => {
    const seen: unknown[] = [];
    const s = new RecordScanner({
      onRecord: (r) => {
        try {
          seen.push(r.get('userIdentity'));
        } catch (err) {
          seen.push((err as Error).name);
        }
      },
    });
    s.push(Buffer.from('[{"userIdentity":{"type":"Root"}},{"userIdentity":{"type":"IAMUser"}},{"userIdentity":{"type":"Root"}},{"userIdentity":{"type":01}},{"userIdentity":{"type":01}}]'));
    s.end();
    assert.deepEqual(seen, [{ type: 'Root' }, { type: 'IAMUser' }, { type: 'Root' }, 'SyntaxError', 'SyntaxError']);
  });

  it('never mistakes one nested value for another that differs in a single byte', () => {
    const texts = Array.from({ length: 150 }, (_, i) => 'a'.repeat(i) + 'b' + 'a'.repeat(149 - i));
    const seen: unknown[] = [];
    const s = new RecordScanner({ onRecord: (r) => seen.push((r.get('userIdentity') as { k: string }).k) });
    for (let round = 0; round < 2; round++) for (const k of texts) s.push(Buffer.from(`${JSON.stringify({ userIdentity: { k } })}\n`));
    s.end();
    assert.deepEqual(seen, [...texts, ...texts]);
  });

  it('reads the right nested values while a field with ever-new values stops and restarts remembering them', () => {
    const expected: unknown[] = [];
    const seen: unknown[] = [];
    const s = new RecordScanner({ onRecord: (r) => seen.push([r.get('requestParameters'), r.get('userIdentity')]) });
    for (let i = 0; i < 40_000; i++) {
      const record = { requestParameters: { n: i % 30_000 < 20_000 ? i : i % 7 }, userIdentity: { type: i % 3 ? 'Root' : 'IAMUser' } };
      expected.push([record.requestParameters, record.userIdentity]);
      s.push(Buffer.from(`${JSON.stringify(record)}\n`));
    }
    s.end();
    assert.deepEqual(seen, expected);
  });

  it('finds a top-level key that contains a dot, in the record that has one only', () => {
    const seen: unknown[] = [];
    const s = new RecordScanner({ onRecord: (r) => seen.push(r.get('a.b')) });
    s.push(Buffer.from('[{"x":1,"a.b":"dotted"},{"a":{"b":"nested"}},{"a\\u002eb":"escaped"}]'));
    s.end();
    assert.deepEqual(seen, ['dotted', undefined, 'escaped']);
  });

  it('finds keys of every length by their hash, and tells apart keys that differ only in the middle', () => {
    // Keys of 0 to 40 bytes (the hash reads the first and last 8), two with equal hashes, multi-byte ones, and a
    // dot past 16 bytes.
    const keys = Array.from({ length: 41 }, (_, n) => 'k'.repeat(n));
    keys.push('aaaaaaaaXaaaaaaaa', 'aaaaaaaaYaaaaaaaa', 'é', 'userIdentitý', 'a'.repeat(20) + '.b');
    const record = Object.fromEntries(keys.map((k, i) => [k, i]));
    const seen: unknown[][] = [];
    let dotted: unknown;
    const s = new RecordScanner({
      onRecord: (r) => {
        seen.push(keys.map((k) => r.get(k)));
        dotted = r.get('a'.repeat(20) + '.b');
      },
    });
    s.push(Buffer.from(JSON.stringify([record])));
    s.end();
    assert.deepEqual(seen, [keys.map((_, i) => i)]);
    assert.equal(dotted, keys.length - 1);
  });

  it('finds keys through the kernel\'s key index, and by search where the index cannot hold them', () => {
    // Two keys with one hash (same first and last 8 bytes, same length), a key looked up whose twin is absent, a
    // duplicate key (the last wins, as in JSON.parse), more keys than the index holds, and an empty record after
    // full ones (the index is the previous record's then).
    const twinX = 'aaaaaaaaXaaaaaaaa';
    const twinY = 'aaaaaaaaYaaaaaaaa';
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, i]));
    const input = `[{"eventName":"A","${twinX}":1,"${twinY}":2},{"eventName":"B","${twinX}":3},{"eventName":"C","eventName":"D"},${JSON.stringify(wide)},{}]`;
    const seen: unknown[][] = [];
    const s = new RecordScanner({ onRecord: (r) => seen.push([r.get('eventName'), r.get(twinX), r.get(twinY), r.get('key39'), r.has('key0')]) });
    s.push(Buffer.from(input));
    s.end();
    assert.deepEqual(seen, [
      ['A', 1, 2, undefined, false],
      ['B', 3, undefined, undefined, false],
      ['D', undefined, undefined, undefined, false],
      [undefined, undefined, undefined, 39, true],
      [undefined, undefined, undefined, undefined, false],
    ]);
  });

  it('hands out a repeated top-level value once decoded (the same object), and the right value after its table fills up', () => {
    // 12,000 distinct user agents, each five times (so the field keeps using the table), fill it (8,192 texts) and it
    // starts over; userIdentity repeats throughout.
    const identity = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/r/s' };
    const identities: unknown[] = [];
    const agents: unknown[] = [];
    const generations = new Set<number>();
    const s = new RecordScanner({ onRecord: (r) => {
      identities.push(r.get('userIdentity'));
      agents.push(r.get('userAgent'));
      generations.add(r.idGeneration);
    } });
    const n = 60_000;
    for (let i = 0; i < n; i++) s.push(Buffer.from(`${JSON.stringify({ userAgent: `agent-${Math.floor(i / 5)}`, userIdentity: identity })}\n`));
    s.end();
    assert.deepEqual(agents, Array.from({ length: n }, (_, i) => `agent-${Math.floor(i / 5)}`));
    for (const value of identities) assert.deepEqual(value, identity);
    assert.equal(identities[1], identities[2], 'a repeated value is the object decoded before');
    assert.ok(generations.size >= 2, 'the table filled up and started over');
  });

  it('reads one large chunk of NDJSON in work proportional to its size (no search past the key it examines)', () => {
    // Found by an adversarial review: looking for an escape in each record's first key searched to the end of the
    // buffer, so 80,000 records pushed as one chunk took seconds. Counted in bytes searched, not timed.
    const input = Buffer.from(Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ eventName: 'E', i })).join('\n'));
    let searched = 0;
    const indexOf = Buffer.prototype.indexOf;
    Buffer.prototype.indexOf = function (this: Buffer, value: string | number | Uint8Array, from?: number | BufferEncoding, encoding?: BufferEncoding) {
      searched += this.length - (typeof from === 'number' ? from : 0);
      return indexOf.call(this, value, from as number, encoding);
    };
    let records = 0;
    try {
      const s = new RecordScanner({ onRecord: () => void records++ });
      s.push(input);
      s.end();
    } finally {
      Buffer.prototype.indexOf = indexOf;
    }
    assert.equal(records, 20_000);
    assert.ok(searched <= input.length, `searched ${searched} bytes of a ${input.length}-byte input`);
  });

  it('fails on input that is not JSON, naming the byte', () => {
    const e = scanError('\n{ awsRegion: "us-east-1" }');
    assert.equal(e.kind, 'not-json');
    assert.match(e.message, /quoted key.*byte 3/);
    assert.equal(scanError('hello').kind, 'not-json');
  });

  it('fails on a missing comma between records', () => {
    const e = scanError(`{"Records":[${JSON.stringify(records[0])} ${JSON.stringify(records[1])}]}`);
    assert.match(e.message, /expected ',' or ']' after record 0/);
  });

  it('fails on input cut short inside a record', () => {
    const body = deliveryJson(records);
    assert.equal(scanError(body.slice(0, body.length - 30)).kind, 'truncated');
  });

  it('fails when Records is not an array, and on a non-object record', () => {
    assert.equal(scanError('{"Records":null}').kind, 'no-records');
    assert.equal(scanError('{"Records":[1]}').kind, 'not-record');
  });

  it('refuses a record larger than the limit instead of buffering it', () => {
    const scanner = new RecordScanner({ onRecord: () => undefined }, 1024);
    assert.throws(() => scanner.push(Buffer.from(deliveryJson([cloudTrailRecord({ userAgent: 'x'.repeat(5000) })]))), /larger than 1024 bytes/);
  });

  it('reads a 256 KB record and 12-level nesting', () => {
    let nested: unknown = 'deep';
    for (let i = 0; i < 12; i++) nested = { level: nested, list: [nested] };
    const big = cloudTrailRecord({ responseElements: { blob: 'y'.repeat(256 * 1024) }, requestParameters: nested });
    const seen = scan(deliveryJson([big, records[0]]), 65536);
    assert.equal(seen.length, 2);
    assert.deepEqual(JSON.parse(seen[0]!.text), big);
  });

  it('refuses a record that is one endless string as soon as it passes the limit, in bounded memory', () => {
    const scanner = new RecordScanner({ onRecord: () => undefined }, 64 * 1024);
    scanner.push(Buffer.from('{"Records":[{"eventName":"StopLogging","userAgent":"'));
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    assert.throws(() => {
      for (let i = 0; i < 1000; i++) scanner.push(chunk);
    }, /record 0 is larger than 65536 bytes/);
  });

  it('skips object and array values of other delivery keys after Records', () => {
    const seen = scan(`{"Records":${JSON.stringify(records)},"meta":{"a":[1,{"b":"}"}]},"list":[[1],{"c":2}]}`);
    assert.equal(seen.length, 3);
  });
});

/** Inputs a differential fuzzer (scanner vs JSON.parse) found mishandled; each stays as a regression test. */
describe('Class: RecordScanner, inputs found by fuzzing', () => {
  const texts = (input: string | Buffer, chunk?: number) => scan(input, chunk).map((s) => s.text);

  it('reads a last object shorter than "Records", alone or after NDJSON lines', () => {
    assert.deepEqual(texts('{"a":1}'), ['{"a":1}']);
    assert.deepEqual(texts('{"eventName":"StopLogging"}\n{"a":1}\n'), ['{"eventName":"StopLogging"}', '{"a":1}']);
  });

  it('reports input cut short right after an object opens', () => {
    assert.equal(scanError('{"eventName":"StopLogging"}\n{"even').kind, 'truncated');
    assert.equal(scanError('{').kind, 'truncated');
  });

  it('skips a byte order mark split over the first chunks', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"eventName":"StopLogging"}')]);
    for (const chunk of [1, 2]) assert.deepEqual(texts(input, chunk), ['{"eventName":"StopLogging"}']);
    assert.throws(() => scan(Buffer.from([0xef, 0xbb]), 1), (e: RecordStreamError) => e.kind === 'not-json' && /byte 0xef/.test(e.message));
  });

  it('never reads a value for a key that has none (the slot of another record)', () => {
    for (const input of ['[{"eventName":"StopLogging"},{"eventName","StopLogging"}]', '[{"userName":  "root"},{"userName"},{"a":"root"}]']) {
      const e = scanError(input);
      assert.equal(e.kind, 'not-json');
      assert.match(e.message, /expected ':' after a key in record 1/);
    }
  });

  it('rejects what JSON.parse rejects at the top level of a record and of a delivery', () => {
    const cases: [string, RegExp][] = [
      ['[{"a" "x"}]', /expected ':' after a key/],
      ['[{"a":}]', /expected a value/],
      ['[{"a":1,}]', /expected a quoted key in record 0/],
      ['[{"a":1 "b":2}]', /expected ',' or '\}'/],
      ['[{"a":1]', /expected ',' or '\}'/],
      ['[{"a":"x\ny"}]', /control character byte 0x0a inside a string of record 0/],
      ['[{"a":1},]', /not a JSON object|expected/],
      ['{"Records":[],,"x":1}', /expected a key in the delivery object/],
      ['{"Records":[],}', /expected a key in the delivery object/],
    ];
    for (const [input, message] of cases) assert.match(scanError(input).message, message, input);
  });

  it('turns invalid JSON in a top-level object read whole into a stream error', () => {
    const e = scanError('{"a":1,"Records":[{]}}');
    assert.equal(e.kind, 'not-json');
    assert.equal(e.offset, 19, 'the position in the whole input');
    assert.equal(scanError('{"\\u0061":1,"b" 2}').kind, 'not-json');
  });

  it('reads a delivery whose Records key is not first from its own bytes (deep nesting, -0, 1e309 kept)', () => {
    const deep = `{"x":1,"Records":[{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}},{"a":1e309,"b":-0}]}`;
    const seen: [boolean, string][] = [];
    const s = new RecordScanner({ onRecord: (r) => seen.push([r.tooDeep, r.text().slice(0, 20)]) });
    s.push(Buffer.from(deep));
    s.end();
    assert.deepEqual(seen, [[true, '{"a":[[[[[[[[[[[[[[['], [false, '{"a":1e309,"b":-0}']]);
  });

  it('reads every "Records" array, also under an escaped key, so a second one cannot hide the first', () => {
    assert.deepEqual(texts('{"Records":[{"eventName":"A"}],"Records":[{"eventName":"B"}]}'), ['{"eventName":"A"}', '{"eventName":"B"}']);
    assert.deepEqual(texts('{"Records":[{"eventName":"A"}],"Record\\u0073":[{"eventName":"B"}]}'), ['{"eventName":"A"}', '{"eventName":"B"}']);
    assert.deepEqual(texts('{"x":1,"Record\\u0073":[{"eventName":"B"}]}'), ['{"eventName":"B"}']);
  });

  it('refuses a record one byte over the limit', () => {
    const record = (n: number) => `{"p":"${'a'.repeat(n - 8)}"}`;
    const run = (input: string) => {
      const s = new RecordScanner({ onRecord: () => undefined }, 100);
      s.push(Buffer.from(input));
      s.end();
    };
    assert.equal(record(100).length, 100);
    run(record(100));
    assert.throws(() => run(record(101)), /record 0 is larger than 100 bytes/);
  });

  it('holds the limit on delivery-object keys and values whether or not a chunk boundary cuts them', () => {
    const inputs = [`{"Records":[],"${'z'.repeat(300)}":1}`, `{"Records":[],"x":"${'v'.repeat(300)}"}`, `{"Records":[],"x":${'1'.repeat(300)}}`, `{"Records":[],"x":[${'1,'.repeat(150)}1]}`];
    for (const input of inputs) {
      for (const chunk of [8, input.length]) {
        const s = new RecordScanner({ onRecord: () => undefined }, 100);
        assert.throws(() => {
          for (let i = 0; i < input.length; i += chunk) s.push(Buffer.from(input.slice(i, i + chunk)));
          s.end();
        }, /(a key|a value) of the delivery object is larger than 100 bytes/, `${input.slice(0, 24)}… in chunks of ${chunk}`);
      }
    }
  });

  it('reads many top-level objects whose Records key is not first, each from its own bytes', () => {
    const body = '{"x":1,"Records":[{"eventName":"A"}]}\n'.repeat(2000);
    assert.equal(texts(body, 4096).length, 2000);
  });
});
