import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertSubject, matchAlert, MACHINE_PROTOCOLS, stormAlert } from '../../lambda/alerts/format.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { summarizeStorm } from '../../lambda/alerts/storm.ts';
import { alertBytes, MAX_PUBLISH_BYTES } from '../../lambda/alerts/publisher.ts';
import { TRUNCATION_MARKER } from '../../lambda/alerts/truncate.ts';
import type { ChatbotNotification } from '../../lambda/alerts/chatbot.ts';
import { cloudTrailRecord } from '../helpers/factories.ts';
import { HIGH_RULE_ID, matchesOf } from './matches.ts';
import { EVIL, evilRecord, OUR_LINKS, RAW_HIDDEN } from './attackerText.ts';

async function alertFor(record: Record<string, unknown>) {
  const [m] = await matchesOf([record]);
  const alert = matchAlert(matchDocument(m!), m!.rule.meta, 'm0');
  const message = JSON.parse(alert.message) as Record<string, string>;
  return { alert, message, chatbot: JSON.parse(message.default!) as ChatbotNotification, machine: JSON.parse(message.sqs!) as Record<string, unknown> };
}

/** Every string inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('Function: matchAlert()', () => {
  it('is one MessageStructure json message: Chatbot as default, the email body, and the machine JSON for every machine protocol', async () => {
    const { alert, message, machine } = await alertFor(cloudTrailRecord({ eventName: 'CreateApiKey' }));
    assert.equal(alert.messageStructure, 'json');
    assert.deepEqual(Object.keys(message), ['default', 'email', ...MACHINE_PROTOCOLS]);
    assert.deepEqual(MACHINE_PROTOCOLS, ['sqs', 'lambda', 'firehose', 'email-json']);
    for (const protocol of MACHINE_PROTOCOLS) assert.equal(message[protocol], message.sqs);
    assert.equal(machine.alertType, 'match');
  });

  it('sends machines the contract match document with the whole record', async () => {
    const record = cloudTrailRecord({ eventName: 'CreateApiKey' });
    const [m] = await matchesOf([record]);
    const { machine } = await alertFor(record);
    assert.deepEqual(machine, { alertType: 'match', ...JSON.parse(JSON.stringify(matchDocument(m!))) });
    assert.deepEqual(machine.record, record);
  });

  it('carries the attributes filter policies use', async () => {
    const { alert } = await alertFor(cloudTrailRecord({ eventName: 'CreateApiKey' }));
    assert.deepEqual(alert.attributes, { severity: 'high', ruleId: HIGH_RULE_ID, eventName: 'CreateApiKey', accountId: '123456789012' });
  });

  it('replaces characters SNS refuses in attribute values, so the alert is not rejected', async () => {
    const { alert } = await alertFor(evilRecord({ eventName: 'CreateApiKey', recipientAccountId: 'a\u0000b\ud800' }));
    assert.equal(alert.attributes.accountId, 'a?b?');
  });

  it('escapes attacker text in every human channel and keeps it raw for machines', async () => {
    const { alert, message, chatbot, machine } = await alertFor(evilRecord());
    assert.match(alert.subject!, /^[\x20-\x7e]{1,99}$/);

    assert.doesNotMatch(message.email!, RAW_HIDDEN);
    assert.doesNotMatch(message.email!, /^Bcc:/m, 'a line break in a value cannot start a line of its own');
    assert.match(message.email!, /User agent: +‹|User agent: +<!channel>/);

    for (const text of strings(chatbot)) {
      assert.doesNotMatch(text, RAW_HIDDEN, text);
      const withoutOurLinks = text.replace(OUR_LINKS, '');
      assert.doesNotMatch(withoutOurLinks, /[<>@]/, `mention or link left in: ${withoutOurLinks}`);
    }
    for (const line of chatbot.content.description.split('\n')) {
      assert.match(line, /^(\*[A-Za-z &'-]+:\*|• |<https:|rule )/, `a value broke out onto its own line: ${line}`);
      assert.equal((line.match(/`/g) ?? []).length % 2, 0, `unbalanced code span: ${line}`);
    }
    for (const step of chatbot.content.nextSteps) assert.equal((step.match(/`/g) ?? []).length % 2, 0, step);

    assert.equal((machine.record as Record<string, unknown>).userAgent, EVIL);
    assert.equal(machine.actor, `arn:aws:iam::123456789012:user/${EVIL}`);
  });

  it('cuts an oversized record to fit 256 KiB, marked, key fields kept, every part still JSON', async () => {
    const record = cloudTrailRecord({ eventName: 'CreateApiKey', responseElements: { blob: 'é'.repeat(300_000) }, requestParameters: { q: 'x'.repeat(80_000) } });
    const { alert, message, chatbot, machine } = await alertFor(record);
    assert.ok(alertBytes(alert) <= MAX_PUBLISH_BYTES, `${alertBytes(alert)} bytes`);
    assert.equal(machine.recordTruncated, true);
    assert.equal(machine.recordBytes, Buffer.byteLength(JSON.stringify(record)));
    const cut = machine.record as Record<string, unknown>;
    assert.match(String(cut.responseElements), new RegExp(`${TRUNCATION_MARKER.replace(/[[\]]/g, '\\$&')} \\d+ bytes$`));
    for (const key of ['eventID', 'eventName', 'eventTime', 'userIdentity', 'sourceIPAddress', 'userAgent', 'recipientAccountId']) {
      assert.deepEqual(cut[key], record[key], key);
    }
    assert.equal(chatbot.source, 'custom');
    assert.match(message.email!, /\[MEDIUM\]|\[HIGH\]/);
  });

  it('leaves a record that fits untouched, without truncation fields', async () => {
    const { machine } = await alertFor(cloudTrailRecord({ eventName: 'CreateApiKey', responseElements: { blob: 'x'.repeat(20_000) } }));
    assert.equal('recordTruncated' in machine, false);
  });
});

describe('Function: alertSubject()', () => {
  it('names level, rule, event, actor, account and region', () => {
    assert.equal(
      alertSubject('high', 'API Key Created', 'CreateApiKey', 'arn:aws:iam::123456789012:user/b', '123456789012', 'us-east-1'),
      '[HIGH] API Key Created: CreateApiKey by arn:aws:iam::123456789012:user/b in 123456789012/us-east-1',
    );
  });

  it('shortens an ARN actor to its resource part before giving up account or region', () => {
    const subject = alertSubject('medium', 'Attempt To Create API Key', 'CreateApiKey', 'arn:aws:iam::123456789012:user/legacy-deploy', '123456789012', 'eu-west-1');
    assert.equal(subject, '[MEDIUM] Attempt To Create API Key: CreateApiKey by user/legacy-deploy in 123456789012/eu-west-1');
  });

  it('clips long names and the title but keeps level, account and region, under 100 ASCII characters', () => {
    const subject = alertSubject('critical', 'T'.repeat(150), 'E'.repeat(80), 'A'.repeat(80), '123456789012', 'ap-southeast-2');
    assert.ok(subject.length < 100, `${subject.length}`);
    assert.match(subject, /^\[CRITICAL\] T+\.\.\.: E+\.\.\. by A+\.\.\. in 123456789012\/ap-southeast-2$/);
  });

  it('cannot inject a header or control character', () => {
    const subject = alertSubject('high', 'Rule', 'X\r\nBcc: victim@example.com', 'bob\u0000\u202e', '1', 'r');
    assert.match(subject, /^[\x20-\x7e]+$/);
    assert.doesNotMatch(subject, /[\r\n]/);
  });
});

describe('Function: stormAlert()', () => {
  it('sends one aggregate: subject with the count, attributes of the top event and account, the aggregate for machines', async () => {
    const records = Array.from({ length: 3 }, () => cloudTrailRecord({ eventName: 'CreateApiKey' }));
    const matches = await matchesOf(records);
    const alert = stormAlert(summarizeStorm(matches.map(matchDocument)), matches[0]!.rule.meta, 'a0');
    assert.equal(alert.subject, '[HIGH] 3x API Key Created: CreateApiKey by user/alice in 123456789012/us-east-1');
    assert.deepEqual(alert.attributes, { severity: 'high', ruleId: HIGH_RULE_ID, eventName: 'CreateApiKey', accountId: '123456789012' });
    const message = JSON.parse(alert.message) as Record<string, string>;
    assert.deepEqual(Object.keys(message), ['default', 'email', ...MACHINE_PROTOCOLS]);
    const machine = JSON.parse(message.sqs!) as Record<string, unknown>;
    assert.equal(machine.alertType, 'aggregate');
    assert.equal(machine.count, 3);
    assert.deepEqual(machine.sampleEventIDs, records.map((r) => r.eventID));
  });
});
