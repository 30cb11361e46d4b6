/**
 * Exactly-once alerting across invocations: before an alert is sent, each (rule id, eventID) it covers is claimed
 * in DynamoDB with a conditional PutItem; a key someone already claimed is a duplicate (Lambda retry, a second S3
 * notification, an overlapping replay). A claim expires through the table's TTL attribute. When publishing fails
 * the claim is deleted again (only if it is still ours), so the retry can alert.
 * Table: partition key `pk` (string), TTL attribute `ttl` — as the CDK construct creates it.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '../mapLimit.ts';

export type ClaimOutcome =
  | { readonly status: 'claimed' }
  /** Already claimed by an earlier alert: a duplicate. */
  | { readonly status: 'taken' }
  /** The table could not answer; the caller alerts anyway (a possible repeat beats a lost alert). */
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export interface ReleaseFailure {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

/** Where claims live; publishMatches depends only on this, so tests and other stores can stand in. */
export interface AlertClaims {
  /** One outcome per key, in order. */
  claim(keys: readonly string[]): Promise<ClaimOutcome[]>;
  /** Gives up claims this store made, so a later attempt can alert; returns those that could not be deleted. */
  release(keys: readonly string[]): Promise<ReleaseFailure[]>;
}

export interface DynamoDbClaimsOptions {
  /** @default 7,776,000 (90 days) - how long a claim keeps an event from alerting again. */
  readonly ttlSeconds?: number;
  /** @default 16 - DynamoDB requests in flight at once. */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const errorOf = (err: unknown) => ({ code: (err as Error).name || 'Error', message: (err as Error).message ?? String(err) });

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
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const now = opts.now ?? Date.now;
  const token = randomUUID();

  const claimOne = async (key: string): Promise<ClaimOutcome> => {
    const nowSeconds = Math.floor(now() / 1000);
    try {
      await client.send(new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: key },
          ttl: { N: String(nowSeconds + ttlSeconds) },
          token: { S: token },
          claimedAt: { S: new Date(nowSeconds * 1000).toISOString() },
        },
        // TTL deletes expired items only eventually: an expired claim counts as free.
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
      }));
      return { status: 'claimed' };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return { status: 'taken' };
      return { status: 'error', ...errorOf(err) };
    }
  };

  const releaseOne = async (key: string): Promise<ReleaseFailure | undefined> => {
    try {
      await client.send(new DeleteItemCommand({
        TableName: tableName,
        Key: { pk: { S: key } },
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': { S: token } },
      }));
      return undefined;
    } catch (err) {
      // Someone else's claim (ours expired and was taken over): nothing of ours to give back.
      if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
      return { key, ...errorOf(err) };
    }
  };

  return {
    claim: (keys) => mapLimit(keys, concurrency, claimOne),
    release: async (keys) => (await mapLimit(keys, concurrency, releaseOne)).filter((f): f is ReleaseFailure => f !== undefined),
  };
}
