/** Identity and security services: KMS, STS, IAM, console sign-in, Secrets Manager, CloudTrail and GuardDuty reads. */
import type { Rng } from '../prng.ts';
import { isoSeconds, javaDate } from '../values.ts';
import { kmsKeyArn, type World } from '../world.ts';
import { template, type BuildContext, type EventTemplate, type Json } from './types.ts';

function keyResource(world: World, keyId: string): Json {
  return { accountId: world.account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(world, keyId) };
}

function encryptionContext(ctx: BuildContext): Json {
  const { rng, world, actor, timeMs } = ctx;
  if (actor.type === 'AWSService') {
    const day = isoSeconds(timeMs).slice(0, 10).replaceAll('-', '/');
    return {
      'aws:cloudtrail:arn': `arn:aws:cloudtrail:${world.region}:${world.account}:trail/${world.trailName}`,
      'aws:s3:arn': `arn:aws:s3:::${world.buckets[world.buckets.length - 1]}/AWSLogs/${world.account}/CloudTrail/${world.region}/${day}/`,
    };
  }
  return rng.chance(0.5)
    ? { SecretARN: `arn:aws:secretsmanager:${world.region}:${world.account}:secret:${rng.pick(world.secrets)}`, SecretVersionId: rng.uuid() }
    : { PARAMETER_ARN: `arn:aws:ssm:${world.region}:${world.account}:parameter${rng.pick(world.parameters)}` };
}

function kmsCall(name: string, weight: number, extra: (rng: Rng) => Json): EventTemplate {
  return template({
    source: 'kms.amazonaws.com',
    name,
    weight,
    readOnly: true,
    callers: { 'svc:cloudtrail.amazonaws.com': 4, app: 3, human: 0.5, crossAccount: 0.3 },
    build(ctx) {
      const keyId = ctx.rng.pick(ctx.world.kmsKeys);
      return {
        requestParameters: { keyId: kmsKeyArn(ctx.world, keyId), encryptionContext: encryptionContext(ctx), ...extra(ctx.rng) },
        responseElements: null,
        resources: [keyResource(ctx.world, keyId)],
      };
    },
  });
}

function sessionToken(rng: Rng): string {
  return `IQoJb3JpZ2luX2Vj${rng.base64(rng.range(600, 900))}`;
}

const ROLE_TRUST_SERVICES = ['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'];

function trustPolicy(rng: Rng): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: rng.pick(ROLE_TRUST_SERVICES) }, Action: 'sts:AssumeRole' }],
  });
}

function inlinePolicy(rng: Rng, world: World): string {
  const actions = ['s3:GetObject', 's3:PutObject', 'dynamodb:Query', 'dynamodb:PutItem', 'sqs:SendMessage', 'kms:Decrypt'];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: rng.range(1, 4) }, (_, i) => ({
      Sid: `Statement${i}`,
      Effect: 'Allow',
      Action: [rng.pick(actions), rng.pick(actions)],
      Resource: [`arn:aws:s3:::${rng.pick(world.buckets)}/*`, `arn:aws:dynamodb:${world.region}:${world.account}:table/${rng.pick(world.tables)}`],
    })),
  });
}

function iamRead(name: string, weight: number, params: (ctx: BuildContext) => Json | null): EventTemplate {
  return template({
    source: 'iam.amazonaws.com',
    name,
    weight,
    readOnly: true,
    global: true,
    callers: { human: 3, ci: 2, linked: 1, crossAccount: 1 },
    build: (ctx) => ({ requestParameters: params(ctx), responseElements: null }),
  });
}

const roleName = (ctx: BuildContext): string => ctx.rng.pick(['app-server-role', 'order-processor-role', 'ecs-task-ledger', 'github-actions-deploy']);

function simpleRead(source: string, name: string, weight: number, callers: EventTemplate['callers'], params: (ctx: BuildContext) => Json | null): EventTemplate {
  return template({ source, name, weight, readOnly: true, callers, build: (ctx) => ({ requestParameters: params(ctx), responseElements: null }) });
}

export const securityTemplates: readonly EventTemplate[] = [
  kmsCall('GenerateDataKey', 90, () => ({ keySpec: 'AES_256' })),
  kmsCall('Decrypt', 90, () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' })),
  kmsCall('Encrypt', 10, () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' })),
  simpleRead('kms.amazonaws.com', 'DescribeKey', 10, { linked: 2, human: 1, app: 1 }, (ctx) => ({ keyId: `alias/${ctx.rng.pick(['app-data', 'trail-logs', 'backups'])}` })),
  simpleRead('kms.amazonaws.com', 'ListAliases', 4, { human: 2, linked: 1 }, () => null),
  template({
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    weight: 50,
    readOnly: true,
    callers: { 'svc:lambda.amazonaws.com': 3, 'svc:ec2.amazonaws.com': 2, 'svc:ecs-tasks.amazonaws.com': 2, ci: 2, human: 1 },
    build(ctx) {
      const { rng, world, timeMs } = ctx;
      const role = roleName(ctx);
      const session = ctx.actor.type === 'AWSService' ? rng.hex(32) : `${ctx.actor.name.replace(/[^\w+=,.@-]/g, '')}-${rng.digits(10)}`;
      const roleId = `AROA${rng.upperAlnum(17)}`;
      return {
        requestParameters: { roleArn: `arn:aws:iam::${world.account}:role/${role}`, roleSessionName: session, durationSeconds: 3600 },
        responseElements: {
          credentials: { accessKeyId: `ASIA${rng.upperAlnum(16)}`, sessionToken: sessionToken(rng), expiration: javaDate(timeMs + 3_600_000) },
          assumedRoleUser: { assumedRoleId: `${roleId}:${session}`, arn: `arn:aws:sts::${world.account}:assumed-role/${role}/${session}` },
        },
        resources: [{ accountId: world.account, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${world.account}:role/${role}` }],
      };
    },
  }),
  simpleRead('sts.amazonaws.com', 'GetCallerIdentity', 15, { human: 3, ci: 3, app: 1 }, () => null),
  iamRead('GetUser', 5, (ctx) => (ctx.rng.chance(0.5) ? null : { userName: ctx.actor.name })),
  iamRead('ListRoles', 6, () => ({ maxItems: 100 })),
  iamRead('GetRole', 8, (ctx) => ({ roleName: roleName(ctx) })),
  iamRead('ListAttachedRolePolicies', 5, (ctx) => ({ roleName: roleName(ctx) })),
  iamRead('GetPolicyVersion', 4, (ctx) => ({ policyArn: `arn:aws:iam::${ctx.world.account}:policy/app-data-access`, versionId: `v${ctx.rng.range(1, 9)}` })),
  iamRead('ListUsers', 3, () => null),
  template({
    source: 'iam.amazonaws.com',
    name: 'GetAccountSummary',
    weight: 0.5,
    readOnly: true,
    global: true,
    callers: { root: 1, human: 2 },
    build: () => ({ requestParameters: null, responseElements: null }),
  }),
  template({
    source: 'iam.amazonaws.com',
    name: 'CreateRole',
    weight: 1,
    readOnly: false,
    global: true,
    callers: { ci: 3, human: 1 },
    build(ctx) {
      const { rng, world, timeMs } = ctx;
      const name = `${rng.pick(['batch', 'etl', 'api', 'worker'])}-${rng.alnum(8).toLowerCase()}-role`;
      const policy = trustPolicy(rng);
      return {
        requestParameters: { roleName: name, assumeRolePolicyDocument: policy, description: 'Managed by Terraform', tags: [{ key: 'team', value: 'platform' }] },
        responseElements: {
          role: {
            path: '/',
            roleName: name,
            roleId: `AROA${rng.upperAlnum(17)}`,
            arn: `arn:aws:iam::${world.account}:role/${name}`,
            createDate: javaDate(timeMs),
            assumeRolePolicyDocument: encodeURIComponent(policy),
            tags: [{ key: 'team', value: 'platform' }],
          },
        },
      };
    },
  }),
  template({
    source: 'iam.amazonaws.com',
    name: 'PutRolePolicy',
    weight: 1,
    readOnly: false,
    global: true,
    callers: { ci: 3, human: 1 },
    build: (ctx) => ({
      requestParameters: { roleName: roleName(ctx), policyName: 'inline-data-access', policyDocument: inlinePolicy(ctx.rng, ctx.world) },
      responseElements: null,
    }),
  }),
  template({
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    weight: 1,
    readOnly: false,
    global: true,
    eventType: 'AwsConsoleSignIn',
    callers: { human: 1, root: 0.05 },
    actorTypes: ['IAMUser', 'Root'],
    errors: [],
    build(ctx) {
      const { actor, world } = ctx;
      // A password sign-in carries the user's identity without access keys or a session.
      const userIdentity = actor.userIdentity(ctx.timeMs, { ...ctx.call, console: false });
      delete userIdentity['accessKeyId'];
      return {
        userIdentity,
        userAgent: ctx.call.console ? ctx.call.userAgent : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
        requestParameters: null,
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: {
          LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
          MobileVersion: 'No',
          MFAIdentifier: `arn:aws:iam::${world.account}:mfa/${actor.name}`,
          MFAUsed: 'Yes',
        },
      };
    },
  }),
  simpleRead('secretsmanager.amazonaws.com', 'GetSecretValue', 15, { app: 5, ci: 1 }, (ctx) => ({
    secretId: `arn:aws:secretsmanager:${ctx.world.region}:${ctx.world.account}:secret:${ctx.rng.pick(ctx.world.secrets)}`,
  })),
  simpleRead('secretsmanager.amazonaws.com', 'DescribeSecret', 5, { app: 2, linked: 1, human: 1 }, (ctx) => ({ secretId: ctx.rng.pick(ctx.world.secrets) })),
  simpleRead('cloudtrail.amazonaws.com', 'DescribeTrails', 2, { human: 1, linked: 2, crossAccount: 1 }, () => ({ includeShadowTrails: true })),
  simpleRead('cloudtrail.amazonaws.com', 'GetTrailStatus', 2, { linked: 2, crossAccount: 1 }, (ctx) => ({
    name: `arn:aws:cloudtrail:us-east-1:${ctx.world.account}:trail/${ctx.world.trailName}`,
  })),
  simpleRead('cloudtrail.amazonaws.com', 'LookupEvents', 2, { human: 2, crossAccount: 1 }, (ctx) => ({
    lookupAttributes: [{ attributeKey: 'EventName', attributeValue: ctx.rng.pick(['ConsoleLogin', 'RunInstances', 'PutBucketPolicy']) }],
    maxResults: 50,
  })),
  simpleRead('guardduty.amazonaws.com', 'ListDetectors', 2, { human: 1, linked: 1, crossAccount: 1 }, () => null),
  simpleRead('guardduty.amazonaws.com', 'GetFindings', 1, { human: 1, crossAccount: 1 }, (ctx) => ({
    detectorId: ctx.world.detectorId,
    findingIds: Array.from({ length: ctx.rng.range(1, 5) }, () => ctx.rng.hex(32)),
  })),
];
