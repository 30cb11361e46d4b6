/** The optional Step Functions backfill: its Distributed Map, the batch input it gives the detector, its permissions. */
import { App, Stack } from 'aws-cdk-lib';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudTrailSigma } from '../../cdk/cloudTrailSigma.ts';
import { CloudTrailSigmaPropsError } from '../../cdk/validateProps.ts';
import { onlyResource, synth, TEST_RULES, type Synthesised } from './helpers.ts';

/** The definition as JSON, each CloudFormation reference written as `${Ref}` or `${Resource.Attr}`. */
function definition(s: Synthesised): any {
  const { properties } = onlyResource(s.template, 'AWS::StepFunctions::StateMachine');
  const [, parts] = properties.DefinitionString['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const o = p as Record<string, any>;
      return o.Ref ? `\${${o.Ref}}` : `\${${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}}`;
    })
    .join('');
  return JSON.parse(text);
}

const logicalId = (s: Synthesised, token: string) => {
  const r = s.resolve(token) as Record<string, any>;
  return r.Ref ?? r['Fn::GetAtt'][0];
};

/** The statements of the backfill state machine role's default policy. */
function stateMachineStatements(s: Synthesised): any[] {
  const role = s.resolve(s.stack.detector.backfill!.stateMachine.role.roleName);
  return Object.values(s.template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(role)))
    .filter((p) => !(p.Properties.PolicyName as string).includes('DistributedMap'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('CloudTrailSigma backfill (-c backfill=true)', () => {
  let s: Synthesised;
  let def: any;
  let bucket: string;
  let handler: string;
  let results: string;
  before(() => {
    s = synth({ backfill: 'true' });
    def = definition(s);
    bucket = `\${${logicalId(s, s.stack.detector.trailBucket.bucketName)}}`;
    handler = logicalId(s, s.stack.detector.handler.functionArn);
    results = logicalId(s, s.stack.detector.backfill!.resultsBucket.bucketName);
  });
  after(() => s.cleanup());

  it('checks the input, then runs a Distributed Map over an S3 listObjectsV2 ItemReader of the given prefix', () => {
    assert.equal(def.QueryLanguage, 'JSONata');
    assert.equal(def.StartAt, 'CheckInput');
    assert.deepEqual(def.States.CheckInput.Choices.map((c: any) => c.Next), ['PrefixOutsideTrail', 'WrongBucket']);
    assert.match(def.States.CheckInput.Choices[0].Condition, /\$substring\(\$states\.input\.prefix, 0, 8\) = "AWSLogs\/"/);
    assert.equal(def.States.PrefixOutsideTrail.Error, 'InvalidInput');
    const map = def.States.ReplayPrefix;
    assert.equal(map.Type, 'Map');
    assert.deepEqual(map.ItemReader, {
      Resource: 'arn:${AWS::Partition}:states:::s3:listObjectsV2',
      Arguments: { Bucket: bucket, Prefix: '{% $states.input.prefix %}' },
    });
    assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    assert.equal(map.MaxConcurrency, 50);
    assert.equal(map.ToleratedFailurePercentage, 5);
    assert.deepEqual(map.ResultWriter, {
      Resource: 'arn:${AWS::Partition}:states:::s3:putObject',
      Arguments: { Bucket: `\${${results}}`, Prefix: 'backfill' },
    });
  });

  it('hands the detector batches of { bucket, key } without digest or Insights keys, as { "objects": [...] }', () => {
    const map = def.States.ReplayPrefix;
    assert.deepEqual(map.ItemSelector, { bucket, key: '{% $states.context.Map.Item.Value.Key %}' });
    assert.deepEqual(map.ItemBatcher, { MaxItemsPerBatch: 20 });
    const child = map.ItemProcessor.States;
    assert.equal(map.ItemProcessor.StartAt, 'SelectLogFiles');
    const select = child.SelectLogFiles.Output.objects as string;
    for (const part of ['$filter($states.input.Items', "'/CloudTrail-Digest/'", "'/CloudTrail-Insight/'", '\\.json\\.gz$']) assert.ok(select.includes(part), part);
    assert.deepEqual(child.AnyLogFiles.Choices, [{ Condition: '{% $count($states.input.objects) = 0 %}', Next: 'NothingToRead' }]);
    assert.equal(child.AnyLogFiles.Default, 'Detect');
    assert.equal(child.Detect.Resource, 'arn:${AWS::Partition}:states:::lambda:invoke');
    assert.deepEqual(child.Detect.Arguments, { FunctionName: `\${${handler}.Arn}`, Payload: { objects: '{% $states.input.objects %}' } });
    assert.ok(child.Detect.Retry[0].ErrorEquals.includes('Lambda.ServiceException'));
  });

  it('grants the state machine only: ListBucket below the prefix, its results prefix, the detector, logs and traces', () => {
    const sm = s.stack.detector.backfill!;
    assert.deepEqual(stateMachineStatements(s), [
      {
        Sid: 'WriteBackfillResults',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Effect: 'Allow',
        Resource: s.resolve(sm.resultsBucket.arnForObjects('backfill/*')),
      },
      {
        Sid: 'ListTrailPrefix',
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': 'AWSLogs/*' } },
        Effect: 'Allow',
        Resource: s.resolve(s.stack.detector.trailBucket.bucketArn),
      },
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [s.resolve(s.stack.detector.handler.functionArn), s.resolve(`${s.stack.detector.handler.functionArn}:*`)],
      },
      {
        Action: [
          'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetLogDelivery',
          'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
          'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });

  it('logs every execution event, traces, keeps results 30 days and outputs the ARN for replay --remote', () => {
    const { properties } = onlyResource(s.template, 'AWS::StepFunctions::StateMachine');
    assert.equal(properties.LoggingConfiguration.Level, 'ALL');
    assert.deepEqual(properties.TracingConfiguration, { Enabled: true });
    s.template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] } });
    const output = s.template.findOutputs('BackfillStateMachineArn');
    assert.deepEqual(Object.values(output)[0]!.Value, s.resolve(s.stack.detector.backfill!.stateMachine.stateMachineArn));
  });
});

describe('CloudTrailSigma backfill options', () => {
  const build = (backfill: object, keyPrefix?: string) =>
    new CloudTrailSigma(new Stack(new App(), 'Test'), 'Detector', { ruleFolders: [TEST_RULES], keyPrefix, backfill });

  it('is absent unless asked for', () => {
    assert.equal(new CloudTrailSigma(new Stack(new App(), 'Test'), 'Detector', { ruleFolders: [TEST_RULES] }).backfill, undefined);
  });

  it('takes its batch size, concurrency and tolerated failures from the props, and scopes to keyPrefix', () => {
    const c = build({ maxConcurrency: 200, objectsPerBatch: 5, toleratedFailurePercentage: 10 }, 'security/AWSLogs/');
    const stack = Stack.of(c);
    const text = JSON.stringify(stack.resolve((c.backfill!.stateMachine.node.defaultChild as any).definitionString));
    assert.match(text, /\\"MaxConcurrency\\":200/);
    assert.match(text, /\\"ItemBatcher\\":\{\\"MaxItemsPerBatch\\":5\}/);
    assert.match(text, /\\"ToleratedFailurePercentage\\":10/);
    assert.match(text, /\\"ResultWriter\\":/, 'results are written even without the feature flag in the app');
    assert.match(text, /\$substring\(\$states\.input\.prefix, 0, 17\) = \\\\\\"security\/AWSLogs\/\\\\\\"/);
  });

  it('rejects out-of-range options, naming each', () => {
    assert.throws(() => build({ maxConcurrency: 0, objectsPerBatch: 5000, toleratedFailurePercentage: 101 }), (err: unknown) => {
      assert.ok(err instanceof CloudTrailSigmaPropsError);
      assert.deepEqual(err.problems, [
        'backfill.maxConcurrency must be an integer from 1 to 10000; got 0.',
        'backfill.objectsPerBatch must be an integer from 1 to 1000; got 5000.',
        'backfill.toleratedFailurePercentage must be an integer from 0 to 100; got 101.',
      ]);
      return true;
    });
  });

  it('is added once', () => {
    const c = build({});
    assert.throws(() => c.addBackfill(), /the backfill is already added/);
  });
});
