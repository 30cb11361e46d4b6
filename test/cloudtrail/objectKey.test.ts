import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyKey,
  decodeS3EventKey,
  ObjectKeyDecodeError,
  parseCloudTrailKey,
} from '../../lambda/cloudtrail/objectKey.ts';

const LOG_FILE = '111122223333_CloudTrail_us-east-1_20240501T1205Z_a1B2c3D4e5F6g7H8.json.gz';

describe('Function: decodeS3EventKey()', () => {
  it('turns + into a space', () => {
    assert.equal(decodeS3EventKey('red+flower.jpg'), 'red flower.jpg');
  });

  it('keeps an encoded plus (%2B) a plus, because + is replaced before percent-decoding', () => {
    assert.equal(decodeS3EventKey('c%2B%2B+notes%2Bmore.txt'), 'c++ notes+more.txt');
  });

  it('decodes reserved characters such as : and =', () => {
    assert.equal(decodeS3EventKey('dt%3D2024-05-01/10%3A47%3A07.log'), 'dt=2024-05-01/10:47:07.log');
  });

  it('decodes an encoded slash too (some emulators encode /)', () => {
    assert.equal(decodeS3EventKey('AWSLogs%2F111122223333%2Fx'), 'AWSLogs/111122223333/x');
  });

  it('decodes UTF-8 percent sequences into unicode', () => {
    assert.equal(decodeS3EventKey('journ%C3%A9e/%E6%97%A5%E5%BF%97+%F0%9F%93%9C.gz'), 'journée/日志 📜.gz');
  });

  it('leaves a key without encoding unchanged', () => {
    const key = `AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/${LOG_FILE}`;
    assert.equal(decodeS3EventKey(key), key);
  });

  it('decodes %25 into a literal percent sign once, not twice', () => {
    assert.equal(decodeS3EventKey('100%2541.txt'), '100%41.txt');
  });

  for (const raw of ['50%+off.txt', 'bad%zzkey', 'trailing%2', 'not-utf8%C3%28']) {
    it(`throws ObjectKeyDecodeError naming the raw key for ${raw}`, () => {
      assert.throws(
        () => decodeS3EventKey(raw),
        (error: unknown) => {
          assert.ok(error instanceof ObjectKeyDecodeError);
          assert.equal(error.name, 'ObjectKeyDecodeError');
          assert.equal(error.rawKey, raw);
          assert.ok(error.message.includes(JSON.stringify(raw)), error.message);
          assert.ok(error.cause instanceof URIError);
          return true;
        },
      );
    });
  }
});

describe('Function: classifyKey()', () => {
  const cases: [string, string][] = [
    [`AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/${LOG_FILE}`, 'cloudtrail'],
    [`my prefix/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/${LOG_FILE}`, 'cloudtrail'],
    [`AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2024/05/01/${LOG_FILE}`, 'cloudtrail'],
    [
      'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T1305Z.json.gz',
      'digest',
    ],
    [
      'AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/x_backfill.json.gz',
      'digest',
    ],
    [
      'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/05/01/111122223333_CloudTrail-Insight_us-east-1_20240501T1205Z_x.json.gz',
      'insight',
    ],
    ['AWSLogs/111122223333/Config/us-east-1/2024/5/1/ConfigSnapshot/x.json.gz', 'other'],
    ['AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/05/01/x.log.gz', 'other'],
    ['CloudTrail/us-east-1/2024/05/01/x.json.gz', 'other'],
    ['AWSLogs/CloudTrail/us-east-1/x.json.gz', 'other'],
    ['AWSLogs/111122223333/x/y/CloudTrail/us-east-1/x.json.gz', 'other'],
    ['backups/AWSLogs-CloudTrail.json.gz', 'other'],
    ['', 'other'],
  ];
  for (const [key, kind] of cases) {
    it(`classifies ${key || '(empty key)'} as ${kind}`, () => {
      assert.equal(classifyKey(key), kind);
    });
  }
});

describe('Function: parseCloudTrailKey()', () => {
  it('reads account, region, date and file of a key without prefix', () => {
    assert.deepEqual(parseCloudTrailKey(`AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/${LOG_FILE}`), {
      prefix: '',
      accountId: '111122223333',
      region: 'us-east-1',
      date: '2024-05-01',
      fileName: LOG_FILE,
    });
  });

  it('keeps a multi-level prefix without the trailing slash', () => {
    const parsed = parseCloudTrailKey(`org trails/prod/AWSLogs/111122223333/CloudTrail/ap-south-2/2023/12/31/${LOG_FILE}`);
    assert.equal(parsed?.prefix, 'org trails/prod');
    assert.equal(parsed?.region, 'ap-south-2');
    assert.equal(parsed?.date, '2023-12-31');
  });

  it('reads the organization id of an organization trail', () => {
    assert.deepEqual(
      parseCloudTrailKey(`trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-central-1/2024/02/29/${LOG_FILE}`),
      {
        prefix: 'trail',
        orgId: 'o-a1b2c3d4e5',
        accountId: '444455556666',
        region: 'eu-central-1',
        date: '2024-02-29',
        fileName: LOG_FILE,
      },
    );
  });

  it('accepts an account id that is not 12 digits (anonymised data)', () => {
    assert.equal(
      parseCloudTrailKey(`AWSLogs/ANONYMIZED/CloudTrail/us-west-2/2020/09/14/${LOG_FILE}`)?.accountId,
      'ANONYMIZED',
    );
  });

  const notLogFiles: [string, string][] = [
    ['a digest', 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/x.json.gz'],
    ['an Insight file', 'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/05/01/x.json.gz'],
    ['a month out of range', 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/13/01/x.json.gz'],
    ['a day without zero padding', 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/1/x.json.gz'],
    ['a missing file name', 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/'],
    ['an extra folder level', 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/extra/x.json.gz'],
    ['a folder key', 'AWSLogs/111122223333/CloudTrail/us-east-1/'],
    ['an empty account segment', 'AWSLogs//CloudTrail/us-east-1/2024/05/01/x.json.gz'],
    ['another service', 'AWSLogs/111122223333/Config/us-east-1/2024/05/01/x.json.gz'],
  ];
  for (const [what, key] of notLogFiles) {
    it(`returns undefined for ${what}`, () => {
      assert.equal(parseCloudTrailKey(key), undefined);
    });
  }
});
