/** The de-duplication table: one marker per (rule id, eventID), expired by TTL. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** Partition key `pk` (string) and TTL attribute `ttl`, as the handler's contract says; on-demand billing. */
export function createDedupTable(scope: Construct): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'DedupTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'ttl',
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledge(
    table,
    'DDB3',
    'The items are short-lived de-duplication markers expired by TTL; a restore has no use, and losing them costs at ' +
      'most one repeated alert.',
  );
  return table;
}
