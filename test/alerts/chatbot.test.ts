import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchNotification, stormNotification } from '../../lambda/alerts/chatbot.ts';
import type { ChatbotNotification } from '../../lambda/alerts/chatbot.ts';
import { alertFacts } from '../../lambda/alerts/facts.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { summarizeStorm } from '../../lambda/alerts/storm.ts';
import { cloudTrailRecord } from '../helpers/factories.ts';
import { HIGH_RULE_ID, matchesOf } from './matches.ts';

async function notificationFor(record: Record<string, unknown>): Promise<ChatbotNotification> {
  const [m] = await matchesOf([record]);
  return matchNotification(alertFacts(matchDocument(m!), m!.rule.meta));
}

const record = cloudTrailRecord({ eventName: 'CreateApiKey', awsRegion: 'eu-west-1', sourceIPAddress: '198.51.100.23', errorCode: 'AccessDenied' });

describe('Function: matchNotification()', () => {
  it('has the custom notification shape Chatbot renders (version 1.0, source custom, client-markdown)', async () => {
    const n = await notificationFor(record);
    assert.equal(n.version, '1.0');
    assert.equal(n.source, 'custom');
    assert.equal(n.content.textType, 'client-markdown');
    assert.deepEqual(Object.keys(n.content), ['textType', 'title', 'description', 'nextSteps', 'keywords']);
    assert.deepEqual(Object.keys(n.metadata), ['threadId', 'summary', 'eventType', 'relatedResources', 'additionalContext']);
    for (const value of Object.values(n.metadata.additionalContext)) assert.equal(typeof value, 'string');
  });

  it('titles it with level, rule, event, actor, account and region', async () => {
    const n = await notificationFor(record);
    assert.equal(
      n.content.title,
      ':red_circle: [HIGH] API Key Created: `CreateApiKey` by `arn:aws:iam::123456789012:user/alice` in `123456789012`/`eu-west-1`',
    );
  });

  it('describes who, what and where, with the console link and ATT&CK pages', async () => {
    const lines = (await notificationFor(record)).content.description.split('\n');
    assert.equal(lines[0], '*Who:* `arn:aws:iam::123456789012:user/alice` (`IAMUser`) from `198.51.100.23`');
    assert.equal(lines[1], '*What:* `CreateApiKey` on `iam.amazonaws.com` — failed: `AccessDenied`');
    assert.equal(lines[2], '*Where:* account `123456789012`, region `eu-west-1`, at `2026-11-30T10:15:00Z`');
    assert.ok(lines.includes('*ATT&CK:* <https://attack.mitre.org/techniques/T1098/001/|T1098.001> · Persistence'));
    assert.ok(lines.includes('*Known false positives:*') && lines.includes('• Deployment pipelines'));
    assert.match(lines.at(-1)!, new RegExp(`^<https://eu-west-1\\.console\\.aws\\.amazon\\.com/cloudtrail/home\\?region=eu-west-1#/events/${record.eventID}\\|Open the event in CloudTrail>`));
  });

  it('tags it with the level and ATT&CK ids and tactics, and threads it per rule and account', async () => {
    const n = await notificationFor(record);
    assert.deepEqual(n.content.keywords, ['high', 'T1098.001', 'Persistence']);
    assert.equal(n.metadata.threadId, `${HIGH_RULE_ID}-123456789012`);
    const other = await notificationFor(cloudTrailRecord({ eventName: 'CreateApiKey', recipientAccountId: '210987654321' }));
    assert.equal(other.metadata.threadId, `${HIGH_RULE_ID}-210987654321`);
  });

  it('lists next steps with the access key to deactivate', async () => {
    const steps = (await notificationFor(record)).content.nextSteps;
    assert.match(steps[0]!, /^Open the event in the CloudTrail console: <https:\/\/eu-west-1\.console/);
    assert.equal(steps[1], 'Ask the owner of `alice` whether they made this call; if not, deactivate access key `AKIAEXAMPLEKEY` and review what else it did.');
  });

  it('keeps thread and notification ids to a safe character set', async () => {
    const n = await notificationFor(cloudTrailRecord({ eventName: 'CreateApiKey', eventID: 'a b<c>|d', recipientAccountId: '1 2' }));
    assert.match(n.id, /^[A-Za-z0-9._:-]+$/);
    assert.match(n.metadata.threadId, /^[A-Za-z0-9._:-]+$/);
  });
});

describe('Function: stormNotification()', () => {
  it('summarises count, time range, actors, addresses and samples in one notification', async () => {
    const records = Array.from({ length: 3 }, () => cloudTrailRecord({ eventName: 'CreateApiKey' }));
    const matches = await matchesOf(records);
    const n = stormNotification(summarizeStorm(matches.map(matchDocument)), matches[0]!.rule.meta);
    assert.equal(n.metadata.eventType, 'CloudTrailSigmaAggregate');
    assert.equal(n.content.title, ':red_circle: [HIGH] 3× API Key Created: `CreateApiKey` in `123456789012`/`us-east-1`');
    const description = n.content.description;
    assert.match(description, /^\*How many:\* 3 matches in one log file, sent as one alert\n/);
    assert.match(description, /\n\*Top actors:\* `arn:aws:iam::123456789012:user\/alice` ×3\n/);
    assert.match(description, /\n\*Top source IPs:\* `203\.0\.113\.10` ×3\n/);
    assert.ok(description.includes(`|${records[0]!.eventID}>`));
    assert.equal(n.metadata.additionalContext.count, '3');
  });
});
