/**
 * The optional backfill: a Step Functions Distributed Map that lists a prefix of the trail bucket (S3
 * listObjectsV2 ItemReader) and hands batches of keys to the detector function as `{ "objects": [{ bucket, key }] }`,
 * the batch input the handler reads beside S3 notifications. `cloudtrail-sigma replay --remote` starts and follows it.
 *
 *   { bucket?, prefix } ─▶ CheckInput ─▶ ReplayPrefix (Distributed Map, ≤ maxConcurrency child workflows)
 *                                           └─ SelectLogFiles ─▶ AnyLogFiles? ─▶ Detect (the detector function)
 *                                        results ─▶ ResultsBucket/backfill/
 */
import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge, nagResourceName } from './nag.ts';
import { CloudTrailSigmaPropsError } from './validateProps.ts';

export interface BackfillOptions {
  /** Child workflows running at the same time, each invoking the detector once per batch (at most 10,000). @default 50 */
  readonly maxConcurrency?: number;
  /** Object keys per detector invocation (1 to 1,000). @default 20 - well inside the function's timeout for typical log files */
  readonly objectsPerBatch?: number;
  /** Share of batches that may fail before the whole run fails (0 to 100). @default 5 */
  readonly toleratedFailurePercentage?: number;
}

export interface BackfillProps {
  readonly bucket: s3.IBucket;
  /** Reads and listings stay below this prefix (the construct's `keyPrefix`). */
  readonly keyPrefix: string;
  readonly handler: lambda.IFunction;
  readonly options: BackfillOptions;
}

/** Where the Map Run writes its manifest and per-batch results (SUCCEEDED_/FAILED_ files). */
export const RESULTS_PREFIX = 'backfill';

/** The Map Run label, part of its ARN. */
const MAP_LABEL = 'Backfill';

/** Keys the detector reads: log files, not digests, Insights, folder markers or other files. */
const SELECT_LOG_FILES =
  "{% [$filter($states.input.Items, function($o) { $contains($o.key, /\\.json\\.gz$/) and $not($contains($o.key, '/CloudTrail-Digest/')) and $not($contains($o.key, '/CloudTrail-Insight/')) })] %}";

/** The reader CDK provides grants s3:ListBucket on the whole bucket; this one only below the trail prefix. */
class PrefixListingReader extends sfn.S3ObjectsItemReader {
  constructor(private readonly listablePrefix: string, props: sfn.S3ObjectsItemReaderProps) {
    super(props);
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'ListTrailPrefix',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${this.listablePrefix}*` } },
      }),
    ];
  }
}

/** The writer CDK provides grants on every object of the bucket; this one only below its prefix. */
class PrefixResultWriter extends sfn.ResultWriterV2 {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'WriteBackfillResults',
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.bucket!.arnForObjects(`${RESULTS_PREFIX}/*`)],
      }),
    ];
  }
}

function validate(o: BackfillOptions): void {
  const problems: string[] = [];
  const check = (name: keyof BackfillOptions, min: number, max: number) => {
    const v = o[name];
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) problems.push(`backfill.${name} must be an integer from ${min} to ${max}; got ${v}.`);
  };
  check('maxConcurrency', 1, 10_000);
  check('objectsPerBatch', 1, 1000);
  check('toleratedFailurePercentage', 0, 100);
  if (problems.length > 0) throw new CloudTrailSigmaPropsError(problems);
}

export class Backfill extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Map Run results, kept 30 days. */
  readonly resultsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, { bucket, keyPrefix, handler, options }: BackfillProps) {
    super(scope, id);
    // Without this flag CDK drops resultWriterV2; set here so apps without the flag in cdk.json still get results.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    validate(options);
    this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    acknowledge(this.resultsBucket, 'S1', 'Holds only the backfill\'s own per-batch results, written by its state machine and expired after 30 days; the executions are logged.');

    const detect = tasks.LambdaInvoke.jsonata(this, 'Detect', {
      lambdaFunction: handler,
      payload: sfn.TaskInput.fromObject({ objects: '{% $states.input.objects %}' }),
      outputs: '{% $states.result.Payload %}',
    });
    const select = sfn.Pass.jsonata(this, 'SelectLogFiles', { outputs: { objects: SELECT_LOG_FILES } });
    const anyLogFiles = sfn.Choice.jsonata(this, 'AnyLogFiles')
      .when(sfn.Condition.jsonata('{% $count($states.input.objects) = 0 %}'), new sfn.Succeed(this, 'NothingToRead'))
      .otherwise(detect);

    const replayPrefix = sfn.DistributedMap.jsonata(this, 'ReplayPrefix', {
      label: MAP_LABEL,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      itemReader: new PrefixListingReader(keyPrefix, { bucket, prefix: '{% $states.input.prefix %}' }),
      itemSelector: { bucket: bucket.bucketName, key: '{% $states.context.Map.Item.Value.Key %}' },
      itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: options.objectsPerBatch ?? 20 }),
      maxConcurrency: options.maxConcurrency ?? 50,
      toleratedFailurePercentage: options.toleratedFailurePercentage ?? 5,
      resultWriterV2: new PrefixResultWriter({ bucket: this.resultsBucket, prefix: RESULTS_PREFIX }),
    });
    replayPrefix.itemProcessor(select.next(anyLogFiles));

    const literal = (s: string) => JSON.stringify(s).replaceAll("'", "\\'");
    const checkInput = sfn.Choice.jsonata(this, 'CheckInput')
      .when(
        sfn.Condition.jsonata(`{% $not($type($states.input.prefix) = 'string' and $substring($states.input.prefix, 0, ${keyPrefix.length}) = ${literal(keyPrefix)}) %}`),
        new sfn.Fail(this, 'PrefixOutsideTrail', { error: 'InvalidInput', cause: `prefix must start with ${keyPrefix}: only that part of the bucket may be listed` }),
      )
      .when(
        sfn.Condition.jsonata(`{% $exists($states.input.bucket) and $states.input.bucket != '${bucket.bucketName}' %}`),
        new sfn.Fail(this, 'WrongBucket', { error: 'InvalidInput', cause: `this backfill reads the bucket ${bucket.bucketName}` }),
      )
      .otherwise(replayPrefix);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(checkInput),
      comment: 'cloudtrail-sigma backfill: runs the detector over the CloudTrail objects below a prefix',
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    const role = this.stateMachine.role;
    acknowledge(role, 'IAM5', 'Log file keys are not known in advance: the results writer is limited to the backfill/ prefix of its own bucket.',
      `Resource::${nagResourceName(role, this.resultsBucket.arnForObjects(`${RESULTS_PREFIX}/*`))}`);
    acknowledge(role, 'IAM5', 'CDK grants the invoke on the detector and its versions; only this one function can be invoked.',
      `Resource::${nagResourceName(role, `${handler.functionArn}:*`)}`);
    acknowledge(role, 'IAM5', 'X-Ray trace writes and CloudWatch Logs delivery set-up have no resource-level permissions.', 'Resource::*');
    // CDK's Distributed Map policy: describe and stop this state machine's own executions and Map Runs.
    const name = Fn.select(6, Fn.split(':', this.stateMachine.stateMachineArn));
    const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${name}`;
    for (const arn of [`${executions}:*`, `${executions}/${MAP_LABEL}:*`]) {
      acknowledge(this.stateMachine, 'IAM5', 'Executions and Map Runs get their names at run time; these are only this state machine\'s own.',
        `Resource::${nagResourceName(this.stateMachine, arn)}`);
    }
  }
}
