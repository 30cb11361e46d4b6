import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchEmail, stormEmail } from '../../lambda/alerts/email.ts';
import { alertFacts } from '../../lambda/alerts/facts.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { summarizeStorm } from '../../lambda/alerts/storm.ts';
import { cloudTrailRecord } from '../helpers/factories.ts';
import { matchesOf, SOURCE } from './matches.ts';

async function emailFor(record: Record<string, unknown>): Promise<string> {
  const [m] = await matchesOf([record]);
  return matchEmail(alertFacts(matchDocument(m!), m!.rule.meta));
}

describe('Function: matchEmail()', () => {
  const record = cloudTrailRecord({
    eventName: 'CreateApiKey',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-central-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.17.0',
    errorCode: 'AccessDenied',
    errorMessage: 'User is not authorized',
    requestParameters: { bucketName: 'payroll', key: 'exports/2026-11.csv' },
  });

  it('opens with level, rule, event, actor, account, region and time', async () => {
    const [first, second, third] = (await emailFor(record)).split('\n');
    assert.equal(first, '[HIGH] API Key Created');
    assert.equal(second, 'CreateApiKey by arn:aws:iam::123456789012:user/alice');
    assert.equal(third, 'Account 123456789012, region eu-central-1, 2026-11-30T10:15:00Z');
  });

  it('gives source IP, user agent, error, request, S3 object, event id and the console link', async () => {
    const email = await emailFor(record);
    for (const line of [
      '  Source IP:    198.51.100.23',
      '  User agent:   aws-cli/2.17.0',
      '  Error:        AccessDenied: User is not authorized',
      '  Request:      {"bucketName":"payroll","key":"exports/2026-11.csv"}',
      '  S3 object:    payroll/exports/2026-11.csv',
      `  Event ID:     ${record.eventID}`,
      `  CloudTrail:   https://eu-central-1.console.aws.amazon.com/cloudtrail/home?region=eu-central-1#/events/${record.eventID}`,
      '  Identity:     IAMUser, alice, access key AKIAEXAMPLEKEY',
    ]) {
      assert.ok(email.includes(`\n${line}\n`), `missing: ${line}\n${email}`);
    }
  });

  it("adds the rule's description, false positives, ATT&CK techniques and tactics, next steps and the log file", async () => {
    const email = await emailFor(record);
    assert.match(email, /\nWHY IT MATTERS\n {2}Someone created an API key, a long-lived secret\.\n/);
    assert.match(email, /\nKNOWN FALSE POSITIVES\n {2}- Deployment pipelines\n/);
    assert.match(email, /\nMITRE ATT&CK\n {2}T1098\.001 {2}https:\/\/attack\.mitre\.org\/techniques\/T1098\/001\/\n {2}Tactics: Persistence\n/);
    assert.match(email, /\nNEXT STEPS\n {2}1\. Open the event in the CloudTrail console:/);
    assert.match(email, /deactivate\s+access key AKIAEXAMPLEKEY/);
    assert.ok(email.includes(`Log file:  ${SOURCE}, record 0`));
  });

  it('leaves out fields the record does not have', async () => {
    const email = await emailFor(cloudTrailRecord({ eventName: 'CreateApiKey' }));
    assert.doesNotMatch(email, /Error:|S3 object:|Request:/);
  });

  it('takes the error message from responseElements when a service puts it there', async () => {
    const email = await emailFor(cloudTrailRecord({ eventName: 'CreateApiKey', errorCode: 'AccessDenied', responseElements: { message: 'not authorized' } }));
    assert.match(email, /\n {2}Error: +AccessDenied: not authorized\n/);
  });

  it('wraps long lines of our own text under 80 columns', async () => {
    const email = await emailFor(record);
    const ours = email.split('\n').filter((l) => !/^ {2}[A-Za-z ]+: {2,}|https:\/\//.test(l) && !l.startsWith('Log file:') && !l.startsWith('Rule'));
    for (const line of ours) assert.ok(line.length <= 78, `too long: ${line}`);
  });
});

describe('Function: stormEmail()', () => {
  it('summarises the storm: count, time range, top actors and addresses, sample events with links', async () => {
    const records = Array.from({ length: 4 }, (_, i) => cloudTrailRecord({ eventName: 'CreateApiKey', eventTime: `2026-11-30T10:1${i}:00Z`, sourceIPAddress: i < 3 ? '198.51.100.1' : '198.51.100.2' }));
    const matches = await matchesOf(records);
    const email = stormEmail(summarizeStorm(matches.map(matchDocument)), matches[0]!.rule.meta);
    assert.match(email, /^\[HIGH\] 4 matches: API Key Created\nCreateApiKey \(4\) in one log file, 2026-11-30T10:10:00Z to 2026-11-30T10:13:00Z\n/);
    assert.match(email, /\nTOP ACTORS\n {6}4 {2}arn:aws:iam::123456789012:user\/alice\n/);
    assert.match(email, /\nTOP SOURCE IPS\n {6}3 {2}198\.51\.100\.1\n {6}1 {2}198\.51\.100\.2\n/);
    assert.ok(email.includes(`\n  ${records[0]!.eventID}  https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/${records[0]!.eventID}\n`));
    assert.match(email, /raise\s+STORM_THRESHOLD/);
  });
});
