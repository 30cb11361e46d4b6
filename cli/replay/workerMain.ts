/** A replay worker thread: its own rules engine and clients; reads the objects the pool sends, one report each. */
import { parentPort, workerData } from 'node:worker_threads';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClaims } from '../../lambda/alerts/dedup.ts';
import { RuleEngine } from '../../lambda/sigma/index.ts';
import { atLeastLevel } from '../detection.ts';
import { PublishSink } from '../matchSinks.ts';
import { selectRules } from '../rulesSource.ts';
import { runObjectTask } from './objectTask.ts';
import type { ObjectTaskContext } from './objectTask.ts';
import type { WorkerRequest, WorkerResponse, WorkerSetup } from './workerPool.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
// The main thread already reported rules that do not compile; here they are only left out.
const engine = new RuleEngine(atLeastLevel(selectRules(setup.rules).rules, setup.minLevel));
const ctx: ObjectTaskContext = {
  s3: new S3Client({}),
  engine,
  output: 'format' in setup.output
    ? { format: setup.output.format }
    : {
      publish: new PublishSink({
        sns: new SNSClient({}),
        topicArn: setup.output.topicArn,
        ...(setup.output.dedupTable ? { claims: dynamoDbClaims(new DynamoDBClient({}), setup.output.dedupTable) } : {}),
      }),
    },
};

port.on('message', (req: WorkerRequest) => {
  runObjectTask(req.task, ctx).then(
    (report) => port.postMessage({ id: req.id, report } satisfies WorkerResponse),
    (err: unknown) => port.postMessage({ id: req.id, error: (err as Error).stack ?? String(err) } satisfies WorkerResponse),
  );
});
