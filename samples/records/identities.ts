/**
 * The principals of one synthetic account: IAM users, assumed-role sessions (SSO, workloads, service-linked roles,
 * a cross-account auditor), AWS services and the root user. Each keeps its own address and user agent habits, as a
 * real caller would, so a generated file reads like one account's traffic rather than random noise.
 */
import type { Rng } from './prng.ts';
import {
  FUNCTION_NAMES,
  ORG_ACCOUNTS,
  PEOPLE,
  SSO_USERS,
  homeIp,
  isoSeconds,
  natGatewayIp,
  officeIp,
  userAgents,
  vpcIp,
} from './values.ts';

/** Who tends to make a call; catalog entries weight these, then an actor of that class is drawn. */
export type CallerClass = 'human' | 'ci' | 'app' | 'linked' | 'crossAccount' | 'root' | `svc:${string}`;

export interface CallContext {
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  /** Set when the call came from the web console (browser user agent, console session credentials). */
  readonly console: boolean;
  readonly vpcEndpointId?: string;
}

export interface Actor {
  readonly type: 'IAMUser' | 'AssumedRole' | 'AWSService' | 'Root';
  readonly accountId: string;
  /** The ARN used in error messages and resource policies; the service host for AWSService. */
  readonly arn: string;
  /** The short name a human would recognise (user name, session name or service host). */
  readonly name: string;
  userIdentity(timeMs: number, call: CallContext): Record<string, unknown>;
  call(rng: Rng): CallContext;
}

const hourStart = (ms: number): number => ms - (ms % 3_600_000);

function sessionContext(issuer: Record<string, unknown>, timeMs: number, mfa: boolean): Record<string, unknown> {
  return {
    sessionIssuer: issuer,
    webIdFederationData: {},
    attributes: { creationDate: isoSeconds(hourStart(timeMs)), mfaAuthenticated: String(mfa) },
  };
}

function iamUser(rng: Rng, account: string, userName: string, human: boolean, ua: (rng: Rng) => string): Actor {
  const principalId = `AIDA${rng.upperAlnum(17)}`;
  const accessKeyId = `AKIA${rng.upperAlnum(16)}`;
  const consoleKey = `ASIA${rng.upperAlnum(16)}`;
  const arn = `arn:aws:iam::${account}:user/${userName}`;
  const ip = human ? (rng.chance(0.5) ? officeIp(rng) : homeIp(rng)) : natGatewayIp(rng);
  return {
    type: 'IAMUser',
    accountId: account,
    arn,
    name: userName,
    userIdentity(timeMs, call) {
      const base = { type: 'IAMUser', principalId, arn, accountId: account };
      if (!call.console) return { ...base, accessKeyId, userName };
      return { ...base, accessKeyId: consoleKey, userName, sessionContext: sessionContext({}, timeMs, true) };
    },
    call(r) {
      if (human && r.chance(0.35)) return { sourceIPAddress: ip, userAgent: userAgents.browser(r), console: true };
      return { sourceIPAddress: ip, userAgent: ua(r), console: false };
    },
  };
}

/** An IAM user whose every call comes from one place with one agent, as in a scripted attack. */
export function pinnedIamUser(rng: Rng, account: string, userName: string, call: CallContext): Actor {
  const user = iamUser(rng, account, userName, false, () => call.userAgent);
  return { ...user, call: () => call };
}

interface RoleSpec {
  readonly role: string;
  readonly path?: string;
  readonly sessions: readonly string[];
  readonly owner?: string;
  readonly invokedBy?: string;
  readonly ec2?: boolean;
  readonly human?: boolean;
  readonly ip: (rng: Rng) => string;
  readonly ua: (rng: Rng) => string;
  readonly viaVpce?: boolean;
}

function assumedRole(rng: Rng, account: string, spec: RoleSpec): Actor {
  const owner = spec.owner ?? account;
  const roleId = `AROA${rng.upperAlnum(17)}`;
  const accessKeyId = `ASIA${rng.upperAlnum(16)}`;
  const roleArn = `arn:aws:iam::${owner}:role/${spec.path ?? ''}${spec.role}`;
  const vpce = spec.viaVpce ? `vpce-0${rng.hex(16)}` : undefined;
  const sessions = spec.sessions;
  const issuer = { type: 'Role', principalId: roleId, arn: roleArn, accountId: owner, userName: spec.role };
  const firstSession = sessions[0] ?? spec.role;
  return {
    type: 'AssumedRole',
    accountId: owner,
    arn: `arn:aws:sts::${owner}:assumed-role/${spec.role}/${firstSession}`,
    name: firstSession,
    userIdentity(timeMs, call) {
      // The session is stable within an hour, like real role sessions that are refreshed periodically.
      const session = sessions[Math.floor(timeMs / 3_600_000) % sessions.length] ?? firstSession;
      const context = sessionContext(issuer, timeMs, spec.human === true && call.console);
      if (spec.ec2) context['ec2RoleDelivery'] = '2.0';
      const identity: Record<string, unknown> = {
        type: 'AssumedRole',
        principalId: `${roleId}:${session}`,
        arn: `arn:aws:sts::${owner}:assumed-role/${spec.role}/${session}`,
        accountId: owner,
        accessKeyId,
        sessionContext: context,
      };
      if (spec.invokedBy) identity['invokedBy'] = spec.invokedBy;
      return identity;
    },
    call(r) {
      if (spec.human && r.chance(0.5)) return { sourceIPAddress: spec.ip(r), userAgent: userAgents.browser(r), console: true };
      const base = { sourceIPAddress: spec.ip(r), userAgent: spec.ua(r), console: false };
      return vpce && r.chance(0.6) ? { ...base, sourceIPAddress: vpcIp(r), vpcEndpointId: vpce } : base;
    },
  };
}

/** An AWS service calling on its own behalf: CloudTrail writing logs, the log delivery service, S3 for SSE-KMS… */
export function serviceActor(host: string): Actor {
  return {
    type: 'AWSService',
    accountId: '',
    arn: host,
    name: host,
    userIdentity: () => ({ type: 'AWSService', invokedBy: host }),
    call: () => ({ sourceIPAddress: host, userAgent: host, console: false }),
  };
}

function rootUser(rng: Rng, account: string): Actor {
  const ip = homeIp(rng);
  const accessKeyId = `ASIA${rng.upperAlnum(16)}`;
  return {
    type: 'Root',
    accountId: account,
    arn: `arn:aws:iam::${account}:root`,
    name: 'root',
    userIdentity(timeMs, call) {
      const identity = { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId };
      return call.console ? { ...identity, sessionContext: sessionContext({}, timeMs, true) } : identity;
    },
    call: (r) => ({ sourceIPAddress: ip, userAgent: userAgents.browser(r), console: true }),
  };
}

const withService = (host: string) => (): string => host;

export interface ActorPool {
  readonly account: string;
  readonly byClass: ReadonlyMap<CallerClass, readonly Actor[]>;
}

/** Builds the principals of one account; the same rng state always gives the same ids and habits. */
export function buildActorPool(rng: Rng, account: string): ActorPool {
  const sso = (role: string) => ({
    role: `AWSReservedSSO_${role}_${rng.hex(16)}`,
    path: 'aws-reserved/sso.amazonaws.com/',
    sessions: SSO_USERS,
    human: true,
    ip: (r: Rng) => (r.chance(0.5) ? officeIp(r) : homeIp(r)),
    ua: userAgents.cli,
  });
  const linked = (role: string, host: string) =>
    assumedRole(rng, account, {
      role,
      path: `aws-service-role/${host}/`,
      sessions: [host.split('.')[0] ?? host, `${role}Session`],
      invokedBy: host,
      ip: withService(host),
      ua: withService(host),
    });
  const instanceIds = [`i-0${rng.hex(16)}`, `i-0${rng.hex(16)}`, `i-0${rng.hex(16)}`];
  const byClass = new Map<CallerClass, Actor[]>([
    [
      'human',
      [
        ...PEOPLE.map((p) => iamUser(rng, account, p, true, userAgents.cli)),
        assumedRole(rng, account, sso('AdministratorAccess')),
        assumedRole(rng, account, sso('ReadOnlyAccess')),
      ],
    ],
    [
      'ci',
      [
        iamUser(rng, account, 'build-bot', false, userAgents.terraform),
        assumedRole(rng, account, {
          role: 'github-actions-deploy',
          sessions: ['GitHubActions'],
          ip: natGatewayIp,
          ua: userAgents.terraform,
        }),
      ],
    ],
    [
      'app',
      [
        assumedRole(rng, account, {
          role: 'app-server-role',
          sessions: instanceIds,
          ec2: true,
          ip: natGatewayIp,
          ua: (r) => (r.chance(0.5) ? userAgents.ssmAgent(r) : userAgents.boto3(r)),
          viaVpce: true,
        }),
        ...FUNCTION_NAMES.slice(0, 2).map((fn) =>
          assumedRole(rng, account, { role: `${fn}-role`, path: 'service-role/', sessions: [fn], ip: natGatewayIp, ua: userAgents.nodeSdk }),
        ),
        assumedRole(rng, account, {
          role: 'ecs-task-ledger',
          sessions: [rng.hex(32), rng.hex(32)],
          ip: natGatewayIp,
          ua: userAgents.java,
          viaVpce: true,
        }),
        iamUser(rng, account, 'reporting-svc', false, userAgents.boto3),
      ],
    ],
    [
      'linked',
      [
        linked('AWSServiceRoleForConfig', 'config.amazonaws.com'),
        linked('AWSServiceRoleForAmazonGuardDuty', 'guardduty.amazonaws.com'),
        linked('AWSServiceRoleForAmazonInspector2', 'inspector2.amazonaws.com'),
        linked('AWSServiceRoleForAutoScaling', 'autoscaling.amazonaws.com'),
      ],
    ],
    [
      'crossAccount',
      [
        assumedRole(rng, account, {
          role: 'OrganizationAuditReadOnly',
          owner: ORG_ACCOUNTS[0],
          sessions: ['security-audit'],
          ip: natGatewayIp,
          ua: userAgents.boto3,
        }),
      ],
    ],
    ['root', [rootUser(rng, account)]],
  ]);
  return { account, byClass };
}
