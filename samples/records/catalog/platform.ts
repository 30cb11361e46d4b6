/** Application platform services: SSM, Lambda, CloudWatch, ECS, EventBridge, DynamoDB, RDS, CloudFormation, ECR… */
import { FORGED_FIELD, trickyText } from '../adversarial.ts';
import { isoSeconds, javaDate } from '../values.ts';
import { template, type BuildContext, type EventTemplate, type Json } from './types.ts';

function read(source: string, name: string, weight: number, callers: EventTemplate['callers'], params: (ctx: BuildContext) => Json | null): EventTemplate {
  return template({ source, name, weight, readOnly: true, callers, build: (ctx) => ({ requestParameters: params(ctx), responseElements: null }) });
}

const instanceCaller = { app: 1 } as const;

function taskDefinition(ctx: BuildContext): Json {
  const { rng, world } = ctx;
  const family = rng.pick(['ledger-api', 'ledger-worker', 'report-builder']);
  const revision = rng.range(10, 300);
  const containers = Array.from({ length: rng.range(2, 6) }, (_, i) => ({
    name: i === 0 ? family : rng.pick(['log-router', 'otel-collector', 'envoy', 'datadog-agent']),
    image: `${world.account}.dkr.ecr.${world.region}.amazonaws.com/${family}:${rng.hex(12)}`,
    cpu: rng.pick([128, 256, 512]),
    memoryReservation: rng.pick([256, 512, 1024]),
    portMappings: [{ containerPort: 8080 + i, hostPort: 8080 + i, protocol: 'tcp', name: `http-${i}`, appProtocol: 'http' }],
    essential: i === 0,
    environment: Array.from({ length: rng.range(3, 12) }, (_, j) => ({ name: `SETTING_${j}`, value: rng.chance(0.05) ? trickyText(rng) : rng.alnum(rng.range(4, 40)) })),
    mountPoints: [],
    volumesFrom: [],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:${world.region}:${world.account}:secret:${rng.pick(world.secrets)}` }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/ledger', 'awslogs-region': world.region, 'awslogs-stream-prefix': family },
      secretOptions: [],
    },
    healthCheck: { command: ['CMD-SHELL', `curl -f http://localhost:${8080 + i}/health || exit 1`], interval: 30, timeout: 5, retries: 3 },
    systemControls: [],
  }));
  return {
    taskDefinitionArn: `arn:aws:ecs:${world.region}:${world.account}:task-definition/${family}:${revision}`,
    containerDefinitions: containers,
    family,
    taskRoleArn: `arn:aws:iam::${world.account}:role/ecs-task-ledger`,
    executionRoleArn: `arn:aws:iam::${world.account}:role/ecsTaskExecutionRole`,
    networkMode: 'awsvpc',
    revision,
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }, { name: 'ecs.capability.secrets.asm.environment-variables' }],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '1024',
    memory: '2048',
    registeredAt: javaDate(ctx.timeMs),
    registeredBy: ctx.actor.arn,
  };
}

export const platformTemplates: readonly EventTemplate[] = [
  template({
    source: 'ssm.amazonaws.com',
    name: 'UpdateInstanceInformation',
    weight: 25,
    readOnly: false,
    callers: instanceCaller,
    build: (ctx) => ({
      requestParameters: {
        instanceId: ctx.rng.pick(ctx.world.instances).id,
        agentVersion: `3.3.${ctx.rng.range(100, 300)}.0`,
        agentName: 'amazon-ssm-agent',
        platformType: 'Linux',
        platformName: 'Amazon Linux',
        platformVersion: '2023',
        iPAddress: ctx.rng.pick(ctx.world.instances).privateIp,
        computerName: `ip-10-20-${ctx.rng.range(0, 15)}-${ctx.rng.range(4, 250)}.${ctx.world.region}.compute.internal`,
        agentStatus: 'Active',
        availabilityZone: `${ctx.world.region}a`,
      },
      responseElements: null,
    }),
  }),
  read('ssm.amazonaws.com', 'ListInstanceAssociations', 12, instanceCaller, (ctx) => ({ instanceId: ctx.rng.pick(ctx.world.instances).id, maxResults: 20 })),
  read('ssm.amazonaws.com', 'GetParameter', 20, { app: 5, ci: 1 }, (ctx) => ({ name: ctx.rng.pick(ctx.world.parameters), withDecryption: ctx.rng.chance(0.5) })),
  read('ssm.amazonaws.com', 'GetParameters', 10, { app: 3, ci: 1 }, (ctx) => ({ names: [ctx.rng.pick(ctx.world.parameters), ctx.rng.pick(ctx.world.parameters)], withDecryption: true })),
  read('ssm.amazonaws.com', 'DescribeInstanceInformation', 8, { linked: 2, human: 1 }, () => ({ maxResults: 50 })),
  template({
    source: 'ssm.amazonaws.com',
    name: 'PutParameter',
    weight: 2,
    readOnly: false,
    callers: { ci: 3, human: 1 },
    build: (ctx) => ({
      requestParameters: {
        name: ctx.rng.pick(ctx.world.parameters),
        description: ctx.rng.chance(0.3) ? trickyText(ctx.rng) : 'managed by pipeline',
        value: 'HIDDEN_DUE_TO_SECURITY_REASONS',
        type: 'SecureString',
        overwrite: true,
        tier: 'Standard',
      },
      responseElements: { version: ctx.rng.range(2, 60), tier: 'Standard' },
    }),
  }),
  read('lambda.amazonaws.com', 'ListFunctions20150331', 5, { human: 2, linked: 1, ci: 1 }, () => null),
  read('lambda.amazonaws.com', 'GetFunction20150331v2', 4, { ci: 2, human: 1 }, (ctx) => ({ functionName: ctx.rng.pick(ctx.world.functions) })),
  template({
    source: 'lambda.amazonaws.com',
    name: 'TagResource20170331v2',
    weight: 0.5,
    readOnly: false,
    callers: { ci: 2, human: 1 },
    build(ctx) {
      // Tags are a caller-chosen map, so a key named eventName serialises as the forged-looking field verbatim.
      const tags: Json = { team: 'platform' };
      if (ctx.rng.chance(0.5)) tags['eventName'] = 'StopLogging';
      else tags['note'] = trickyText(ctx.rng);
      return {
        requestParameters: { resource: `arn:aws:lambda:${ctx.world.region}:${ctx.world.account}:function:${ctx.rng.pick(ctx.world.functions)}`, tags },
        responseElements: null,
      };
    },
  }),
  template({
    source: 'logs.amazonaws.com',
    name: 'CreateLogStream',
    weight: 15,
    readOnly: false,
    callers: { app: 4, 'svc:lambda.amazonaws.com': 1 },
    build: (ctx) => ({
      requestParameters: { logGroupName: ctx.rng.pick(ctx.world.logGroups), logStreamName: `${isoSeconds(ctx.timeMs).slice(0, 10).replaceAll('-', '/')}/[$LATEST]${ctx.rng.hex(32)}` },
      responseElements: null,
    }),
  }),
  read('logs.amazonaws.com', 'DescribeLogGroups', 5, { human: 2, linked: 1, ci: 1 }, () => ({ limit: 50 })),
  read('logs.amazonaws.com', 'FilterLogEvents', 2, { human: 1 }, (ctx) => ({
    logGroupName: ctx.rng.pick(ctx.world.logGroups),
    startTime: ctx.timeMs - 3_600_000,
    filterPattern: ctx.rng.pick(['ERROR', '"timed out"', '{ $.level = "error" }']),
  })),
  template({
    source: 'logs.amazonaws.com',
    name: 'PutMetricFilter',
    weight: 0.3,
    readOnly: false,
    callers: { ci: 1 },
    build: (ctx) => ({
      // A CIS-style alarm on trail tampering: the filter text itself names StopLogging.
      requestParameters: {
        logGroupName: 'org-trail/cloudtrail',
        filterName: 'cloudtrail-config-changes',
        filterPattern: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
        metricTransformations: [{ metricName: 'CloudTrailEventCount', metricNamespace: 'CISBenchmark', metricValue: '1' }],
      },
      responseElements: null,
    }),
  }),
  read('monitoring.amazonaws.com', 'DescribeAlarms', 6, { human: 2, linked: 1, app: 1 }, () => ({ maxRecords: 100 })),
  read('monitoring.amazonaws.com', 'GetMetricData', 6, { human: 2, app: 2 }, (ctx) => ({
    startTime: javaDate(ctx.timeMs - 3_600_000),
    endTime: javaDate(ctx.timeMs),
    metricDataQueries: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [{ name: 'InstanceId', value: ctx.rng.pick(ctx.world.instances).id }] }, period: 300, stat: 'Average' } }],
  })),
  read('ecs.amazonaws.com', 'DescribeServices', 6, { ci: 2, linked: 1, human: 1 }, (ctx) => ({ cluster: ctx.rng.pick(ctx.world.clusters), services: ['ledger-api'] })),
  read('ecs.amazonaws.com', 'ListTasks', 6, { linked: 2, ci: 1 }, (ctx) => ({ cluster: ctx.rng.pick(ctx.world.clusters) })),
  template({
    source: 'ecs.amazonaws.com',
    name: 'RegisterTaskDefinition',
    weight: 1.5,
    readOnly: false,
    callers: { ci: 3 },
    build(ctx) {
      const definition = taskDefinition(ctx);
      return {
        requestParameters: {
          family: definition['family'],
          taskRoleArn: definition['taskRoleArn'],
          executionRoleArn: definition['executionRoleArn'],
          networkMode: 'awsvpc',
          containerDefinitions: definition['containerDefinitions'],
          requiresCompatibilities: ['FARGATE'],
          cpu: '1024',
          memory: '2048',
        },
        responseElements: { taskDefinition: definition, tags: [] },
      };
    },
  }),
  template({
    source: 'events.amazonaws.com',
    name: 'PutRule',
    weight: 0.3,
    readOnly: false,
    callers: { ci: 1 },
    build: (ctx) => ({
      // An EventBridge pattern is a JSON document passed as a string, so it carries the event name as escaped text.
      requestParameters: {
        name: 'trail-tamper-alarm',
        eventPattern: JSON.stringify({ source: ['aws.cloudtrail'], detail: { eventName: ['StopLogging', 'DeleteTrail'] } }),
        state: 'ENABLED',
        description: ctx.rng.chance(0.5) ? `alerts on ${FORGED_FIELD}` : 'alerts on trail changes',
      },
      responseElements: { ruleArn: `arn:aws:events:${ctx.world.region}:${ctx.world.account}:rule/trail-tamper-alarm` },
    }),
  }),
  read('events.amazonaws.com', 'ListRules', 2, { ci: 1, human: 1 }, () => null),
  read('dynamodb.amazonaws.com', 'DescribeTable', 6, { app: 2, ci: 1, linked: 1 }, (ctx) => ({ tableName: ctx.rng.pick(ctx.world.tables) })),
  read('rds.amazonaws.com', 'DescribeDBInstances', 4, { linked: 2, human: 1, ci: 1 }, () => null),
  read('cloudformation.amazonaws.com', 'DescribeStacks', 5, { ci: 3, human: 1 }, (ctx) => ({ stackName: `${ctx.rng.pick(['network', 'ledger', 'data-lake'])}-prod` })),
  read('cloudformation.amazonaws.com', 'DescribeStackEvents', 3, { ci: 3 }, (ctx) => ({ stackName: `${ctx.rng.pick(['network', 'ledger', 'data-lake'])}-prod` })),
  read('ecr.amazonaws.com', 'GetAuthorizationToken', 6, { ci: 2, app: 2 }, () => null),
  read('appsync.amazonaws.com', 'ListGraphqlApis', 1, { human: 1, ci: 1 }, () => null),
  read('appsync.amazonaws.com', 'GetGraphqlApi', 1, { human: 1, ci: 1 }, (ctx) => ({ apiId: ctx.rng.pick(ctx.world.graphqlApis) })),
  template({
    source: 'config.amazonaws.com',
    name: 'PutEvaluations',
    weight: 3,
    readOnly: false,
    callers: { linked: 1 },
    build: (ctx) => ({
      requestParameters: {
        evaluations: [{ complianceResourceType: 'AWS::EC2::Instance', complianceResourceId: ctx.rng.pick(ctx.world.instances).id, complianceType: ctx.rng.pick(['COMPLIANT', 'NON_COMPLIANT']), orderingTimestamp: javaDate(ctx.timeMs) }],
        resultToken: ctx.rng.base64(ctx.rng.range(300, 600)),
        testMode: false,
      },
      responseElements: { failedEvaluations: [] },
    }),
  }),
  template({
    source: 'secretsmanager.amazonaws.com',
    name: 'RotationSucceeded',
    weight: 0.5,
    readOnly: false,
    eventType: 'AwsServiceEvent',
    callers: { 'svc:secretsmanager.amazonaws.com': 1 },
    errors: [],
    build: (ctx) => ({
      userIdentity: { accountId: ctx.world.account, invokedBy: 'secretsmanager.amazonaws.com' },
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: `arn:aws:secretsmanager:${ctx.world.region}:${ctx.world.account}:secret:${ctx.rng.pick(ctx.world.secrets)}` },
    }),
  }),
];
