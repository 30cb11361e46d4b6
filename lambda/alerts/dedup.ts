/**
 * Exactly-once alerting across invocations: before an alert is sent, each (rule id, eventID) it covers is claimed
 * in DynamoDB with a conditional PutItem; a key someone already claimed is a duplicate (Lambda retry, a second S3
 * notification, an overlapping replay). A claim starts `pending` with a short lapse time and becomes `sent`, kept
 * for the full TTL, once its alert is published; when publishing fails it is deleted again (only if still ours).
 * So an invocation that dies between claiming and publishing holds the event back only until its pending claim
 * lapses, and an attempt meeting another's pending claim fails its object for a retry instead of dropping the
 * alert: it is either sent by then, or free again.
 * Table: partition key `pk` (string), TTL attribute `ttl` — as the CDK construct creates it.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '../mapLimit.ts';

export type ClaimOutcome =
  | { readonly status: 'claimed' }
  /** Alerted by an earlier attempt: a duplicate. */
  | { readonly status: 'taken' }
  /** Claimed by another attempt that has not confirmed publishing: it may be sending now, or may have died. */
  | { readonly status: 'pending'; readonly until: string }
  /** The table could not answer; the caller alerts anyway (a possible repeat beats a lost alert). */
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export interface ClaimFailure {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

/** Where claims live; publishMatches depends only on this, so tests and other stores can stand in. */
export interface AlertClaims {
  /**
   * One outcome per key, in order. `deadline` (epoch ms): the claimant has ended for sure by then, so its claims
   * need not stay pending any longer.
   */
  claim(keys: readonly string[], deadline?: number): Promise<ClaimOutcome[]>;
  /** Records the keys as sent, for the full TTL (their alerts went out); returns those that could not be written. */
  confirm(keys: readonly string[]): Promise<ClaimFailure[]>;
  /** Gives up claims this store made, so a later attempt can alert; returns those that could not be deleted. */
  release(keys: readonly string[]): Promise<ClaimFailure[]>;
}

export interface DynamoDbClaimsOptions {
  /** @default 7,776,000 (90 days) - how long a sent claim keeps an event from alerting again. */
  readonly ttlSeconds?: number;
  /**
   * @default 900 (15 minutes, the longest a Lambda runs) - how long a claim not yet confirmed holds its event when
   * the claimant gives no deadline. Claiming, publishing and confirming happen within one call, so a live claimant
   * confirms well before.
   */
  readonly pendingSeconds?: number;
  /** @default 16 - DynamoDB requests in flight at once. */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Added to a claimant's deadline: pending claims are compared with the clocks of other machines (a CLI replaying
 * beside the Lambda). Below the minute Lambda waits before retrying a timed-out invocation, so that retry alerts.
 */
const CLOCK_MARGIN_SECONDS = 30;

const errorOf = (err: unknown) => ({ code: (err as Error).name || 'Error', message: (err as Error).message ?? String(err) });
const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException';
const failures = (results: (ClaimFailure | undefined)[]) => results.filter((f): f is ClaimFailure => f !== undefined);

/** The claim that made a PutItem fail: pending (another attempt still unconfirmed) or sent. */
function heldBy(item: Record<string, AttributeValue> | undefined): ClaimOutcome {
  // Claims written before claims had a state were made only for alerts being sent: they count as sent. DynamoDB
  // returns the item with every failed condition; a store that does not is read as the old protocol was.
  if (item?.state?.S !== 'pending') return { status: 'taken' };
  const lapses = Number(item.ttl?.N);
  return { status: 'pending', until: Number.isFinite(lapses) ? new Date(lapses * 1000).toISOString() : 'unknown' };
}

/**
 * Claims in a DynamoDB table. Each instance claims with its own random token, and releases only items holding
 * that token, so one invocation can never delete another's claim.
 *
 * @example
 * const claims = dynamoDbClaims(new DynamoDBClient({}), process.env.DEDUP_TABLE_NAME!);
 * await publishMatches(matches, { sns, topicArn, claims });
 */
export function dynamoDbClaims(client: DynamoDBClient, tableName: string, opts: DynamoDbClaimsOptions = {}): AlertClaims {
  const ttlSeconds = opts.ttlSeconds ?? 90 * 24 * 3600;
  const pendingSeconds = opts.pendingSeconds ?? 900;
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const now = opts.now ?? Date.now;
  const token = randomUUID();
  /** The table item of a claim: this store's token, its state, when it lapses and when it was written. */
  const claimItem = (key: string, state: 'pending' | 'sent', lapses: number, nowSeconds: number): Record<string, AttributeValue> => ({
    pk: { S: key },
    ttl: { N: String(lapses) },
    token: { S: token },
    state: { S: state },
    [state === 'pending' ? 'claimedAt' : 'sentAt']: { S: new Date(nowSeconds * 1000).toISOString() },
  });

  const claimOne = async (key: string, deadline: number | undefined): Promise<ClaimOutcome> => {
    const nowSeconds = Math.floor(now() / 1000);
    const lapses = deadline === undefined ? nowSeconds + pendingSeconds : Math.max(nowSeconds, Math.ceil(deadline / 1000)) + CLOCK_MARGIN_SECONDS;
    try {
      await client.send(new PutItemCommand({
        TableName: tableName,
        Item: claimItem(key, 'pending', lapses, nowSeconds),
        // TTL deletes expired items only eventually: an expired claim counts as free.
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { status: 'claimed' };
    } catch (err) {
      if (isConditionFailure(err)) return heldBy((err as ConditionalCheckFailedException).Item);
      return { status: 'error', ...errorOf(err) };
    }
  };

  // Unconditional: the alert was sent, whatever became of the claim meanwhile (it lapsed and another attempt holds
  // it, or TTL removed it), so the table records it as sent.
  const confirmOne = async (key: string): Promise<ClaimFailure | undefined> => {
    const nowSeconds = Math.floor(now() / 1000);
    try {
      await client.send(new PutItemCommand({
        TableName: tableName,
        Item: claimItem(key, 'sent', nowSeconds + ttlSeconds, nowSeconds),
      }));
      return undefined;
    } catch (err) {
      return { key, ...errorOf(err) };
    }
  };

  const releaseOne = async (key: string): Promise<ClaimFailure | undefined> => {
    try {
      await client.send(new DeleteItemCommand({
        TableName: tableName,
        Key: { pk: { S: key } },
        // Never a claim of a sent alert, nor one another store holds.
        ConditionExpression: '#token = :token AND #state = :pending',
        ExpressionAttributeNames: { '#token': 'token', '#state': 'state' },
        ExpressionAttributeValues: { ':token': { S: token }, ':pending': { S: 'pending' } },
      }));
      return undefined;
    } catch (err) {
      // Someone else's claim (ours expired and was taken over), or already sent: nothing of ours to give back.
      if (isConditionFailure(err)) return undefined;
      return { key, ...errorOf(err) };
    }
  };

  return {
    claim: (keys, deadline) => mapLimit(keys, concurrency, (key) => claimOne(key, deadline)),
    confirm: async (keys) => failures(await mapLimit(keys, concurrency, confirmOne)),
    release: async (keys) => failures(await mapLimit(keys, concurrency, releaseOne)),
  };
}
