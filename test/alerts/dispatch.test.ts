import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PublishBatchCommandInput, PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { publishMatches } from '../../lambda/alerts/dispatch.ts';
import type { AlertClaims, ClaimOutcome } from '../../lambda/alerts/dedup.ts';
import { cloudTrailRecord } from '../helpers/factories.ts';
import { HIGH_RULE_ID, LOW_RULE_ID, matchesOf } from './matches.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const noWait = { sleep: async () => {}, random: () => 0 };

/**
 * Claims in memory, as the DynamoDB table keeps them: `held` pending or sent; `broken` keys answer with an error,
 * `pendingElsewhere` keys are held unconfirmed by another attempt.
 */
class MemoryClaims implements AlertClaims {
  readonly held = new Map<string, 'pending' | 'sent'>();
  readonly released: string[] = [];
  readonly confirmed: string[] = [];
  constructor(private readonly broken = new Set<string>(), private readonly pendingElsewhere = new Set<string>()) {}
  async claim(keys: readonly string[]): Promise<ClaimOutcome[]> {
    return keys.map((k): ClaimOutcome => {
      if (this.broken.has(k)) return { status: 'error', code: 'AccessDeniedException', message: 'no PutItem' };
      if (this.pendingElsewhere.has(k)) return { status: 'pending', until: '2026-11-30T10:15:00.000Z' };
      if (this.held.has(k)) return { status: 'taken' };
      this.held.set(k, 'pending');
      return { status: 'claimed' };
    });
  }
  async confirm(keys: readonly string[]) {
    for (const k of keys) {
      if (this.held.has(k)) this.held.set(k, 'sent');
      this.confirmed.push(k);
    }
    return [];
  }
  async release(keys: readonly string[]) {
    for (const k of keys) {
      if (this.held.get(k) === 'pending') this.held.delete(k);
      this.released.push(k);
    }
    return [];
  }
}

const apiKey = (overrides: Record<string, unknown> = {}) => cloudTrailRecord({ eventName: 'CreateApiKey', ...overrides });

describe('Function: publishMatches()', () => {
  const sns = new SNSClient({ region: 'us-east-1' });
  const snsMock = mockClient(sns);
  afterEach(() => snsMock.reset());

  /** Accepts every entry except those whose subject contains `failWhen`. */
  function acceptAll(failWhen?: string) {
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const entries = input.PublishBatchRequestEntries ?? [];
      const bad = (e: PublishBatchRequestEntry) => failWhen !== undefined && e.Subject!.includes(failWhen);
      return {
        Successful: entries.filter((e) => !bad(e)).map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
        Failed: entries.filter(bad).map((e) => ({ Id: e.Id, Code: 'KMSAccessDenied', Message: 'key denied', SenderFault: true })),
      };
    });
  }

  const sent = () => snsMock.commandCalls(PublishBatchCommand).flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
  const machine = (e: PublishBatchRequestEntry) => JSON.parse((JSON.parse(e.Message!) as { sqs: string }).sqs) as Record<string, unknown>;

  it('publishes one json-structured alert per match', async () => {
    acceptAll();
    const matches = await matchesOf([apiKey(), cloudTrailRecord({ eventName: 'ListUsers' })]);
    const result = await publishMatches(matches, { sns, topicArn: TOPIC });
    assert.deepEqual(result, { published: 2, deduplicated: 0, aggregated: 0, failed: [], claimErrors: [] });
    assert.deepEqual(sent().map((e) => [e.MessageStructure, e.MessageAttributes!.severity!.StringValue]), [['json', 'high'], ['json', 'low']]);
  });

  it('alerts a (rule id, eventID) once within one object, but each rule that matches it', async () => {
    acceptAll();
    const record = apiKey();
    const matches = await matchesOf([record, record, cloudTrailRecord({ eventName: 'ListUsers' })]);
    const result = await publishMatches(matches, { sns, topicArn: TOPIC });
    assert.equal(result.published, 2);
    assert.equal(result.deduplicated, 1);
  });

  it('sends more than the threshold of one rule in one object as one aggregated alert, and the rest one by one', async () => {
    acceptAll();
    const records = [...Array.from({ length: 21 }, () => apiKey()), cloudTrailRecord({ eventName: 'ListUsers' })];
    const result = await publishMatches(await matchesOf(records), { sns, topicArn: TOPIC });
    assert.deepEqual(result, { published: 2, deduplicated: 0, aggregated: 21, failed: [], claimErrors: [] });
    const [single, aggregate] = [sent().find((e) => machine(e).alertType === 'match')!, sent().find((e) => machine(e).alertType === 'aggregate')!];
    assert.equal(machine(single).ruleId, LOW_RULE_ID);
    assert.equal(machine(aggregate).ruleId, HIGH_RULE_ID);
    assert.equal(machine(aggregate).count, 21);
  });

  it('keeps exactly the threshold as single alerts, and follows a configured threshold', async () => {
    acceptAll();
    const twenty = await matchesOf(Array.from({ length: 20 }, () => apiKey()));
    assert.equal((await publishMatches(twenty, { sns, topicArn: TOPIC })).published, 20);
    snsMock.resetHistory();
    assert.equal((await publishMatches(twenty, { sns, topicArn: TOPIC, stormThreshold: 5 })).aggregated, 20);
    assert.equal(sent().length, 1);
  });

  it('drops matches an earlier invocation alerted, counting them as deduplicated', async () => {
    acceptAll();
    const claims = new MemoryClaims();
    const matches = await matchesOf([apiKey(), apiKey()]);
    assert.equal((await publishMatches(matches, { sns, topicArn: TOPIC, claims })).published, 2);
    const again = await publishMatches(matches, { sns, topicArn: TOPIC, claims });
    assert.deepEqual(again, { published: 0, deduplicated: 2, aggregated: 0, failed: [], claimErrors: [] });
    assert.equal(sent().length, 2);
  });

  it('aggregates only the storm members not alerted before', async () => {
    acceptAll();
    const claims = new MemoryClaims();
    const matches = await matchesOf(Array.from({ length: 25 }, () => apiKey()));
    await claims.claim([`${HIGH_RULE_ID}#${matches[0]!.record.eventID}`]);
    const result = await publishMatches(matches, { sns, topicArn: TOPIC, claims });
    assert.deepEqual(result, { published: 1, deduplicated: 1, aggregated: 24, failed: [], claimErrors: [] });
    assert.equal(machine(sent()[0]!).count, 24);
  });

  it('releases the claims of an alert SNS refused, so a retry can alert it', async () => {
    acceptAll('Users Listed');
    const claims = new MemoryClaims();
    const listUsers = cloudTrailRecord({ eventName: 'ListUsers' });
    const matches = await matchesOf([apiKey(), listUsers]);
    const result = await publishMatches(matches, { sns, topicArn: TOPIC, claims, publish: noWait });
    assert.equal(result.published, 1);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]!.code, 'KMSAccessDenied');
    assert.deepEqual(claims.released, [`${LOW_RULE_ID}#${listUsers.eventID}`]);
    acceptAll();
    assert.equal((await publishMatches(matches, { sns, topicArn: TOPIC, claims })).published, 1, 'the retry alerts what failed');
  });

  it('releases every member of a failed aggregate', async () => {
    acceptAll('API Key Created');
    const claims = new MemoryClaims();
    const result = await publishMatches(await matchesOf(Array.from({ length: 21 }, () => apiKey())), { sns, topicArn: TOPIC, claims, publish: noWait });
    assert.equal(result.aggregated, 0);
    assert.equal(claims.released.length, 21);
    assert.equal(claims.held.size, 0);
  });

  it('confirms the claims of the alerts it sent, and of those only', async () => {
    acceptAll('Users Listed');
    const claims = new MemoryClaims();
    const created = apiKey();
    const listUsers = cloudTrailRecord({ eventName: 'ListUsers' });
    await publishMatches(await matchesOf([created, listUsers]), { sns, topicArn: TOPIC, claims, publish: noWait });
    assert.deepEqual(claims.confirmed, [`${HIGH_RULE_ID}#${created.eventID}`]);
    assert.deepEqual([...claims.held], [[`${HIGH_RULE_ID}#${created.eventID}`, 'sent']]);
  });

  it('fails, never drops, an alert another attempt claimed and has not confirmed, so a retry settles it', async () => {
    acceptAll();
    const busy = apiKey();
    const free = cloudTrailRecord({ eventName: 'ListUsers' });
    const claims = new MemoryClaims(new Set(), new Set([`${HIGH_RULE_ID}#${busy.eventID}`]));
    const result = await publishMatches(await matchesOf([busy, free]), { sns, topicArn: TOPIC, claims });
    assert.equal(result.published, 1);
    assert.equal(result.deduplicated, 0);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]!.code, 'ClaimPending');
    assert.match(result.failed[0]!.message, /^another object or attempt claimed 1 of its event\(s\) and has not confirmed alerting them \(its claim lapses at 2026-11-30T10:15:00\.000Z\): a retry alerts them unless that one did$/);
    assert.match(result.failed[0]!.alert.subject ?? '', /API Key Created/);
    assert.deepEqual(sent().map((e) => e.Subject!.includes('Users Listed')), [true]);
  });

  it('holds back a whole aggregate when one member is pending elsewhere, giving up its own claims of the others', async () => {
    acceptAll();
    const records = Array.from({ length: 21 }, () => apiKey());
    const claims = new MemoryClaims(new Set(), new Set([`${HIGH_RULE_ID}#${records[3]!.eventID}`]));
    const result = await publishMatches(await matchesOf(records), { sns, topicArn: TOPIC, claims });
    assert.equal(result.published, 0);
    assert.equal(result.aggregated, 0);
    assert.deepEqual(result.failed.map((f) => f.code), ['ClaimPending']);
    assert.equal(claims.held.size, 0, 'the 20 members this attempt claimed are free for the retry');
    assert.equal(claims.released.length, 20, 'and only those: the pending one is not this call\'s to give back');
    assert.equal(sent().length, 0);
  });

  it('still alerts when the table cannot be checked, and says so', async () => {
    acceptAll();
    const record = apiKey();
    const claims = new MemoryClaims(new Set([`${HIGH_RULE_ID}#${record.eventID}`]));
    const result = await publishMatches(await matchesOf([record]), { sns, topicArn: TOPIC, claims });
    assert.equal(result.published, 1);
    assert.deepEqual(result.claimErrors, ['AccessDeniedException: no PutItem']);
  });

  it('publishes nothing for no matches', async () => {
    const result = await publishMatches([], { sns, topicArn: TOPIC, claims: new MemoryClaims() });
    assert.deepEqual(result, { published: 0, deduplicated: 0, aggregated: 0, failed: [], claimErrors: [] });
    assert.equal(snsMock.commandCalls(PublishBatchCommand).length, 0);
  });
});
