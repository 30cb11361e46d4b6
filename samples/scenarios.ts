/**
 * One intrusion told in CloudTrail records, for the samples: a console brute force, root sign-in without MFA, a
 * leaked access key used to probe for persistence, escalate, blind the defenders, expose data and reach instances.
 * Each step is an event the bundled rules should flag; the decoys are benign records whose caller-controlled text
 * looks like a StopLogging event and must not be reported as one.
 */
import type { BuildContext, EventBody, EventTemplate, Json } from './records/catalog/types.ts';
import { FORGED_FIELD } from './records/adversarial.ts';
import { pinnedIamUser, type Actor, type CallContext } from './records/identities.ts';
import type { Rng } from './records/prng.ts';
import { buildRecord } from './records/record.ts';
import type { TrafficModel } from './records/stream.ts';
import { EXTERNAL_ACCOUNT, javaDate, userAgents } from './records/values.ts';
import { kmsKeyArn } from './records/world.ts';

export interface ScenarioEvent {
  readonly region: string;
  readonly timeMs: number;
  readonly record: Json;
  /** What the event shows, for the README and tests; decoys are benign and must not alert. */
  readonly label: string;
  readonly decoy?: boolean;
}

interface Step {
  readonly label: string;
  readonly at: string;
  readonly region: string;
  readonly actor: Actor;
  readonly call?: CallContext;
  readonly tpl: EventTemplate;
  readonly decoy?: boolean;
}

function call(source: string, name: string, readOnly: boolean, build: (ctx: BuildContext) => EventBody, extra: Partial<EventTemplate> = {}): EventTemplate {
  return { source, name, readOnly, weight: 1, callers: {}, errors: [], build, ...extra };
}

const ATTACKER_IP = '203.0.113.201';
const ROOT_IP = '198.51.100.201';
const ATTACKER_UA = 'Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.11';
const LOGIN_URL = 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_a1b2';

function signIn(outcome: 'Success' | 'Failure', mfa: 'Yes' | 'No', identity?: Json): EventTemplate {
  return call(
    'signin.amazonaws.com',
    'ConsoleLogin',
    false,
    (ctx) => {
      const userIdentity = identity ?? ctx.actor.userIdentity(ctx.timeMs, { ...ctx.call, console: false });
      return {
        userIdentity: { ...userIdentity, accessKeyId: '' },
        requestParameters: null,
        responseElements: { ConsoleLogin: outcome },
        additionalEventData: { LoginTo: LOGIN_URL, MobileVersion: 'No', MFAUsed: mfa },
      };
    },
    { global: true, eventType: 'AwsConsoleSignIn', errors: outcome === 'Failure' ? [{ message: 'Failed authentication', p: 1 }] : [] },
  );
}

function s3Bucket(ctx: BuildContext, bucket: string, params: Json): EventBody {
  return {
    requestParameters: { ...params, bucketName: bucket, Host: `${bucket}.s3.${ctx.world.region}.amazonaws.com` },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': `${ctx.rng.base64(76)}=`,
      bytesTransferredOut: 0,
    },
    resources: [{ accountId: ctx.world.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  };
}

/** The account's own service user, now driven by the attacker with the key they created for it. */
function withStolenKey(user: Actor | undefined, attackerCall: CallContext, accessKeyId: string): Actor {
  if (!user) throw new Error('the actor pool has no reporting-svc user');
  return { ...user, userIdentity: (t, c) => ({ ...user.userIdentity(t, c), accessKeyId }), call: () => attackerCall };
}

function steps(model: TrafficModel, rng: Rng, account: string): Step[] {
  const pool = model.pool(account);
  const east = model.world(account, 'us-east-1');
  const west = model.world(account, 'us-west-2');
  const eu = model.world(account, 'eu-west-1');
  const attackerCall: CallContext = { sourceIPAddress: ATTACKER_IP, userAgent: ATTACKER_UA, console: false };
  const leaked = pinnedIamUser(rng, account, 'legacy-deploy', attackerCall);
  const backdoorKey = `AKIA${rng.upperAlnum(16)}`;
  const backdoor = withStolenKey(pool.byClass.get('app')?.find((a) => a.name === 'reporting-svc'), attackerCall, backdoorKey);
  const victim = pinnedIamUser(rng, account, 'm.schmidt', { ...attackerCall, userAgent: userAgents.browser(rng), console: true });
  const root = pool.byClass.get('root')?.[0];
  if (!root) throw new Error('the actor pool has no root user');
  const rootCall: CallContext = { sourceIPAddress: ROOT_IP, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0', console: true };
  const exportsBucket = west.buckets.find((b) => b.startsWith('customer-exports')) ?? 'customer-exports';
  const unknownUser = { type: 'IAMUser', accountId: account, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' };
  const apiId = eu.graphqlApis[0] ?? 'api';
  const snapshot = west.snapshots[0] ?? 'snap-0';
  const key = west.kmsKeys[1] ?? '';
  const instance = eu.instances[0]?.id ?? 'i-0';

  const failures: Step[] = [];
  for (let i = 0; i < 9; i++) {
    failures.push({ label: 'failed console login (brute force)', at: `14:2${Math.floor(i / 3)}:${String(7 + i * 5).padStart(2, '0')}`, region: 'us-east-1', actor: victim, tpl: signIn('Failure', 'No') });
  }
  for (const [i, at] of ['14:23:41', '14:23:58', '14:24:12'].entries()) {
    failures.push({ label: `failed console login for an unknown user (${i + 1})`, at, region: 'us-east-1', actor: victim, tpl: signIn('Failure', 'No', unknownUser) });
  }

  return [
    ...failures,
    { label: 'root console login without MFA', at: '14:31:02', region: 'us-east-1', actor: root, call: rootCall, tpl: signIn('Success', 'No') },
    {
      label: 'AppSync CreateApiKey denied (AccessDenied)',
      at: '14:44:19',
      region: 'eu-west-1',
      actor: leaked,
      tpl: call('appsync.amazonaws.com', 'CreateApiKey', false, () => ({ requestParameters: { apiId }, responseElements: null }), {
        errors: [
          {
            code: 'AccessDenied',
            message: `User: ${leaked.arn} is not authorized to perform: appsync:CreateApiKey on resource: arn:aws:appsync:eu-west-1:${account}:/v1/apis/${apiId}/apikeys`,
            p: 1,
          },
        ],
      }),
    },
    {
      label: 'access key created for another user',
      at: '14:50:03',
      region: 'us-east-1',
      actor: leaked,
      tpl: call('iam.amazonaws.com', 'CreateAccessKey', false, (ctx) => ({
        requestParameters: { userName: backdoor.name },
        responseElements: { accessKey: { accessKeyId: backdoorKey, status: 'Active', userName: backdoor.name, createDate: javaDate(ctx.timeMs) } },
      }), { global: true }),
    },
    {
      label: 'AdministratorAccess attached to a user',
      at: '14:51:27',
      region: 'us-east-1',
      actor: leaked,
      tpl: call('iam.amazonaws.com', 'AttachUserPolicy', false, () => ({
        requestParameters: { userName: backdoor.name, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        responseElements: null,
      }), { global: true }),
    },
    {
      label: 'GuardDuty detector deleted',
      at: '15:00:44',
      region: 'us-east-1',
      actor: backdoor,
      tpl: call('guardduty.amazonaws.com', 'DeleteDetector', false, () => ({ requestParameters: { detectorId: east.detectorId }, responseElements: null })),
    },
    {
      label: 'CloudTrail logging stopped',
      at: '15:02:10',
      region: 'us-east-1',
      actor: backdoor,
      tpl: call('cloudtrail.amazonaws.com', 'StopLogging', false, () => ({
        requestParameters: { name: `arn:aws:cloudtrail:us-east-1:${account}:trail/account-audit-trail` },
        responseElements: null,
      })),
    },
    {
      label: 'CloudTrail trail deleted',
      at: '15:03:05',
      region: 'us-east-1',
      actor: backdoor,
      tpl: call('cloudtrail.amazonaws.com', 'DeleteTrail', false, () => ({ requestParameters: { name: 'account-audit-trail' }, responseElements: null })),
    },
    {
      label: 'bucket public access block removed',
      at: '15:10:31',
      region: 'us-west-2',
      actor: backdoor,
      tpl: call('s3.amazonaws.com', 'PutBucketPublicAccessBlock', false, (ctx) =>
        s3Bucket(ctx, exportsBucket, {
          publicAccessBlock: '',
          PublicAccessBlockConfiguration: {
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
            RestrictPublicBuckets: false,
            BlockPublicPolicy: false,
            BlockPublicAcls: false,
            IgnorePublicAcls: false,
          },
        }),
      ),
    },
    {
      label: 'bucket policy made public (Principal "*")',
      at: '15:11:02',
      region: 'us-west-2',
      actor: backdoor,
      tpl: call('s3.amazonaws.com', 'PutBucketPolicy', false, (ctx) =>
        s3Bucket(ctx, exportsBucket, {
          bucketPolicy: {
            Version: '2012-10-17',
            Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${exportsBucket}/*` }],
          },
          policy: '',
        }),
      ),
    },
    {
      label: 'snapshot shared with an external account',
      at: '15:20:40',
      region: 'us-west-2',
      actor: backdoor,
      tpl: call('ec2.amazonaws.com', 'ModifySnapshotAttribute', false, (ctx) => ({
        requestParameters: {
          snapshotId: snapshot,
          attributeType: 'CREATE_VOLUME_PERMISSION',
          createVolumePermission: { add: { items: [{ userId: EXTERNAL_ACCOUNT }] } },
        },
        responseElements: { requestId: ctx.requestId, _return: true },
      })),
    },
    {
      label: 'KMS key scheduled for deletion',
      at: '15:25:13',
      region: 'us-west-2',
      actor: backdoor,
      tpl: call('kms.amazonaws.com', 'ScheduleKeyDeletion', false, (ctx) => ({
        requestParameters: { keyId: key, pendingWindowInDays: 7 },
        responseElements: { keyId: kmsKeyArn(west, key), deletionDate: javaDate(ctx.timeMs + 7 * 86_400_000), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
        resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(west, key) }],
      })),
    },
    {
      label: 'EC2 Windows password data retrieved',
      at: '15:30:55',
      region: 'eu-west-1',
      actor: backdoor,
      tpl: call('ec2.amazonaws.com', 'GetPasswordData', true, () => ({ requestParameters: { instanceId: instance }, responseElements: null })),
    },
    {
      label: 'SSM SendCommand (shell script on an instance)',
      at: '15:34:20',
      region: 'eu-west-1',
      actor: backdoor,
      tpl: call('ssm.amazonaws.com', 'SendCommand', false, (ctx) => ({
        requestParameters: { instanceIds: [instance], documentName: 'AWS-RunShellScript', parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS', interactive: false },
        responseElements: {
          command: {
            commandId: ctx.rng.uuid(),
            documentName: 'AWS-RunShellScript',
            documentVersion: '$DEFAULT',
            comment: '',
            expiresAfter: javaDate(ctx.timeMs + 7_200_000),
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            instanceIds: [instance],
            targets: [],
            requestedDateTime: javaDate(ctx.timeMs),
            status: 'Pending',
            statusDetails: 'Pending',
            outputS3Region: 'eu-west-1',
            outputS3BucketName: '',
            outputS3KeyPrefix: '',
            maxConcurrency: '50',
            maxErrors: '0',
            targetCount: 1,
            completedCount: 0,
            errorCount: 0,
            deliveryTimedOutCount: 0,
            serviceRole: '',
            notificationConfig: { notificationArn: '', notificationEvents: [], notificationType: '' },
            cloudWatchOutputConfig: { cloudWatchLogGroupName: '', cloudWatchOutputEnabled: false },
            timeoutSeconds: 3600,
            alarmConfiguration: { ignorePollAlarmFailure: false, alarms: [] },
            triggeredAlarms: [],
          },
        },
      })),
    },
    ...decoys(model, account),
  ];
}

/** Benign calls whose caller-chosen text imitates a StopLogging record. */
function decoys(model: TrafficModel, account: string): Step[] {
  const pool = model.pool(account);
  const dev = pool.byClass.get('human')?.[0];
  const ci = pool.byClass.get('ci')?.[0];
  if (!dev || !ci) throw new Error('the actor pool lacks a human or CI caller');
  const west = model.world(account, 'us-west-2');
  const bucket = west.buckets[0] ?? 'app-assets';
  const forgedKey = `uploads/{${FORGED_FIELD},"eventSource":"cloudtrail.amazonaws.com"}.json`;
  return [
    {
      label: 'decoy: object key containing a forged eventName',
      at: '14:12:09',
      region: 'us-west-2',
      actor: dev,
      decoy: true,
      tpl: call('s3.amazonaws.com', 'PutObject', false, (ctx) => ({
        requestParameters: { bucketName: bucket, Host: `${bucket}.s3.us-west-2.amazonaws.com`, key: forgedKey },
        responseElements: null,
        additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 312, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': `${ctx.rng.base64(76)}=`, bytesTransferredOut: 0 },
        resources: [
          { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${forgedKey}` },
          { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
        ],
      }), { data: true }),
    },
    {
      label: 'decoy: Lambda tag named eventName with value StopLogging',
      at: '14:37:45',
      region: 'us-east-1',
      actor: ci,
      decoy: true,
      tpl: call('lambda.amazonaws.com', 'TagResource20170331v2', false, (ctx) => ({
        requestParameters: { resource: `arn:aws:lambda:us-east-1:${account}:function:${ctx.world.functions[0]}`, tags: { eventName: 'StopLogging', team: 'platform' } },
        responseElements: null,
      })),
    },
    {
      label: 'decoy: user agent containing a forged eventName',
      at: '15:15:36',
      region: 'us-east-1',
      actor: dev,
      call: { sourceIPAddress: '198.51.100.23', userAgent: `release-notes-bot/2.1 {${FORGED_FIELD}} \\"quoted\\" Ünïcödé 🚀`, console: false },
      decoy: true,
      tpl: call('sts.amazonaws.com', 'GetCallerIdentity', true, () => ({ requestParameters: null, responseElements: null })),
    },
  ];
}

/** The scenario's records on the given day (`YYYY-MM-DD`), each with its region. */
export function scenarioEvents(model: TrafficModel, rng: Rng, account: string, day: string): ScenarioEvent[] {
  return steps(model, rng, account).map((step) => {
    const timeMs = Date.parse(`${day}T${step.at}Z`);
    const record = buildRecord({ rng, tpl: step.tpl, actor: step.actor, world: model.world(account, step.region), timeMs, call: step.call ?? step.actor.call(rng) });
    return { region: step.region, timeMs, record, label: step.label, ...(step.decoy ? { decoy: true } : {}) };
  });
}
