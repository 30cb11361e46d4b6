import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoDbClaims } from '../../lambda/alerts/dedup.ts';
import { claimKey } from '../../lambda/alerts/claimKey.ts';

const TABLE = 'dedup';
const NOW = Date.parse('2026-11-30T10:00:00Z');

/** The error DynamoDB answers a failed condition with; `Item` is the item that failed it (ALL_OLD). */
const conditionFailed = (Item?: Record<string, AttributeValue>) => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(Item ? { Item } : {}) });

describe('Function: claimKey()', () => {
  it('is rule id and eventID', () => {
    assert.equal(claimKey('rule-1', 'event-1', 's3://b/k', 3), 'rule-1#event-1');
  });

  it('uses the object and position for a record without eventID', () => {
    assert.equal(claimKey('rule-1', '', 's3://b/k', 3), 'rule-1#s3://b/k#3');
  });

  it('hashes a key too long for a DynamoDB partition key', () => {
    const key = claimKey('rule-1', 'e'.repeat(3000), 's3://b/k', 0);
    assert.match(key, /^sha256:[0-9a-f]{64}$/);
    assert.equal(claimKey('rule-1', 'e'.repeat(3000), 's3://b/k', 0), key, 'stable');
  });
});

describe('Function: dynamoDbClaims()', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const ddb = mockClient(client);
  afterEach(() => ddb.reset());

  it('claims with a conditional PutItem: new key, or an expired claim; pending, lapsing after the pending time', async () => {
    ddb.on(PutItemCommand).resolves({});
    const claims = dynamoDbClaims(client, TABLE, { ttlSeconds: 3600, pendingSeconds: 600, now: () => NOW });
    assert.deepEqual(await claims.claim(['r#e1']), [{ status: 'claimed' }]);
    const input = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    assert.equal(input.TableName, TABLE);
    assert.deepEqual(input.Item!.pk, { S: 'r#e1' });
    assert.deepEqual(input.Item!.state, { S: 'pending' });
    assert.deepEqual(input.Item!.ttl, { N: String(NOW / 1000 + 600) });
    assert.equal(input.ConditionExpression, 'attribute_not_exists(pk) OR #ttl < :now');
    assert.deepEqual(input.ExpressionAttributeValues, { ':now': { N: String(NOW / 1000) } });
    assert.equal(input.ReturnValuesOnConditionCheckFailure, 'ALL_OLD');
  });

  it("keeps a claim pending only until the claimant's deadline when it gives one", async () => {
    ddb.on(PutItemCommand).resolves({});
    const claims = dynamoDbClaims(client, TABLE, { now: () => NOW });
    await claims.claim(['k'], NOW + 42_500);
    assert.deepEqual(ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!.ttl, { N: String(NOW / 1000 + 43 + 30) }, 'a margin for other clocks');
  });

  it('records a sent alert for the full TTL whatever became of its claim, and lists writes that failed', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(PutItemCommand, { Item: { pk: { S: 'broken' } } }).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    const claims = dynamoDbClaims(client, TABLE, { ttlSeconds: 3600, now: () => NOW });
    await claims.claim(['k']);
    assert.deepEqual(await claims.confirm(['k', 'broken']), [{ key: 'broken', code: 'InternalServerError', message: 'boom' }]);
    const [claim, sent] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    assert.deepEqual(sent!.Item!.pk, { S: 'k' });
    assert.deepEqual(sent!.Item!.state, { S: 'sent' });
    assert.deepEqual(sent!.Item!.ttl, { N: String(NOW / 1000 + 3600) });
    assert.deepEqual(sent!.Item!.token, claim!.Item!.token);
    assert.equal(sent!.ConditionExpression, undefined, 'the alert went out: recorded even if the claim lapsed or was removed');
  });

  it('tells a claim already sent from one another attempt holds unconfirmed, naming when that one lapses', async () => {
    const lapses = NOW / 1000 + 300;
    ddb.on(PutItemCommand, { Item: { pk: { S: 'sent' } } }).rejects(conditionFailed({ pk: { S: 'sent' }, state: { S: 'sent' }, ttl: { N: '1' } }));
    ddb.on(PutItemCommand, { Item: { pk: { S: 'busy' } } }).rejects(conditionFailed({ pk: { S: 'busy' }, state: { S: 'pending' }, ttl: { N: String(lapses) } }));
    ddb.on(PutItemCommand, { Item: { pk: { S: 'before-states' } } }).rejects(conditionFailed({ pk: { S: 'before-states' }, ttl: { N: '1' } }));
    const outcomes = await dynamoDbClaims(client, TABLE, { now: () => NOW }).claim(['sent', 'busy', 'before-states']);
    assert.deepEqual(outcomes, [{ status: 'taken' }, { status: 'pending', until: new Date(lapses * 1000).toISOString() }, { status: 'taken' }]);
  });

  it('reports a key claimed before as taken, and other errors as errors, one outcome per key in order', async () => {
    ddb.on(PutItemCommand, { Item: { pk: { S: 'old' } } }).rejects(conditionFailed());
    ddb.on(PutItemCommand, { Item: { pk: { S: 'slow' } } }).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    ddb.on(PutItemCommand, { Item: { pk: { S: 'new' } } }).resolves({});
    const outcomes = await dynamoDbClaims(client, TABLE).claim(['old', 'slow', 'new']);
    assert.deepEqual(outcomes, [
      { status: 'taken' },
      { status: 'error', code: 'ProvisionedThroughputExceededException', message: 'slow down' },
      { status: 'claimed' },
    ]);
  });

  it('releases only claims holding its own token', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    const claims = dynamoDbClaims(client, TABLE);
    await claims.claim(['k']);
    assert.deepEqual(await claims.release(['k']), []);
    const token = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!.token;
    const del = ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input;
    assert.deepEqual(del.Key, { pk: { S: 'k' } });
    assert.equal(del.ConditionExpression, '#token = :token AND #state = :pending', 'never a sent claim, never another store\'s');
    assert.deepEqual(del.ExpressionAttributeValues, { ':token': token, ':pending': { S: 'pending' } });
  });

  it('treats a claim someone else holds as nothing to release, and lists deletes that failed', async () => {
    ddb.on(DeleteItemCommand, { Key: { pk: { S: 'theirs' } } }).rejects(conditionFailed());
    ddb.on(DeleteItemCommand, { Key: { pk: { S: 'broken' } } }).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    const failures = await dynamoDbClaims(client, TABLE).release(['theirs', 'broken']);
    assert.deepEqual(failures, [{ key: 'broken', code: 'InternalServerError', message: 'boom' }]);
  });

  it('gives each instance its own token', async () => {
    ddb.on(PutItemCommand).resolves({});
    await dynamoDbClaims(client, TABLE).claim(['a']);
    await dynamoDbClaims(client, TABLE).claim(['a']);
    const [first, second] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item!.token!.S);
    assert.notEqual(first, second);
  });
});
