/** EC2 reads and network changes, load balancing and auto scaling: the bread and butter of management events. */
import { trickyText } from '../adversarial.ts';
import { instanceFilter } from './ec2Instances.ts';
import { template, type BuildContext, type EventTemplate, type Json } from './types.ts';

const items = <T>(list: readonly T[]): { items: T[] } => ({ items: [...list] });

function describe(name: string, weight: number, params: (ctx: BuildContext) => Json | null, callers?: EventTemplate['callers']): EventTemplate {
  return template({
    source: 'ec2.amazonaws.com',
    name,
    weight,
    readOnly: true,
    callers: callers ?? { linked: 3, app: 2, human: 2, ci: 2, crossAccount: 1 },
    build: (ctx) => ({ requestParameters: params(ctx), responseElements: null }),
  });
}

const someInstances = (ctx: BuildContext): Json =>
  ctx.rng.chance(0.4) ? items(ctx.world.instances.slice(0, ctx.rng.range(1, 4)).map((i) => ({ instanceId: i.id }))) : {};

function ipPermission(ctx: BuildContext): Json {
  const { rng } = ctx;
  const port = rng.pick([22, 443, 5432, 6379, 8080]);
  return {
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    groups: rng.chance(0.3) ? items([{ groupId: rng.pick(ctx.world.securityGroups) }]) : {},
    ipRanges: items([{ cidrIp: rng.pick(['10.20.0.0/16', '198.51.100.0/24', '192.0.2.0/24']), description: rng.pick(['office VPN', 'internal', 'partner range']) }]),
    ipv6Ranges: rng.chance(0.2) ? items([{ cidrIpv6: '2001:db8:1234::/48' }]) : {},
    prefixListIds: {},
  };
}

export const ec2Templates: readonly EventTemplate[] = [
  describe('DescribeInstances', 25, (ctx) => ({ instancesSet: someInstances(ctx), filterSet: ctx.rng.chance(0.5) ? instanceFilter(ctx.world, ctx.rng) : {} })),
  describe('DescribeInstanceStatus', 8, (ctx) => ({ instancesSet: someInstances(ctx), filterSet: {}, includeAllInstances: ctx.rng.chance(0.5) })),
  describe('DescribeSecurityGroups', 8, (ctx) => ({
    securityGroupSet: {},
    securityGroupIdSet: items([{ groupId: ctx.rng.pick(ctx.world.securityGroups) }]),
    filterSet: {},
  })),
  describe('DescribeVolumes', 6, (ctx) => ({
    volumeSet: {},
    filterSet: items([{ name: 'attachment.instance-id', valueSet: items([{ value: ctx.rng.pick(ctx.world.instances).id }]) }]),
  })),
  describe('DescribeSnapshots', 4, () => ({ snapshotSet: {}, ownersSet: items([{ owner: 'self' }]), filterSet: {} })),
  describe('DescribeSubnets', 5, (ctx) => ({ subnetSet: {}, filterSet: items([{ name: 'vpc-id', valueSet: items([{ value: ctx.world.vpcId }]) }]) })),
  describe('DescribeVpcs', 4, () => ({ vpcSet: {}, filterSet: {} })),
  describe('DescribeNetworkInterfaces', 6, (ctx) => ({
    networkInterfaceIdSet: {},
    filterSet: items([{ name: 'subnet-id', valueSet: items([{ value: ctx.rng.pick(ctx.world.subnets) }]) }]),
  })),
  describe('DescribeTags', 5, (ctx) => ({ filterSet: items([{ name: 'resource-id', valueSet: items([{ value: ctx.rng.pick(ctx.world.instances).id }]) }]) })),
  describe('DescribeRegions', 3, () => ({ regionSet: {}, allRegions: false })),
  template({
    source: 'ec2.amazonaws.com',
    name: 'CreateTags',
    weight: 5,
    readOnly: false,
    callers: { ci: 3, linked: 1, human: 1 },
    build(ctx) {
      const { rng, world } = ctx;
      const value = rng.chance(0.2) ? trickyText(rng) : rng.pick(['platform', 'payments', 'nightly', 'do-not-delete']);
      return {
        requestParameters: {
          resourcesSet: items([{ resourceId: rng.pick(world.instances).id }, { resourceId: rng.pick(world.volumes) }]),
          tagSet: items([{ key: rng.pick(['team', 'owner', 'schedule', 'note']), value }]),
        },
        responseElements: { requestId: ctx.requestId, _return: true },
      };
    },
  }),
  template({
    source: 'ec2.amazonaws.com',
    name: 'AuthorizeSecurityGroupIngress',
    weight: 2,
    readOnly: false,
    callers: { ci: 3, human: 1 },
    build(ctx) {
      const { rng, world } = ctx;
      const groupId = rng.pick(world.securityGroups);
      const permissions = Array.from({ length: rng.range(1, 3) }, () => ipPermission(ctx));
      return {
        requestParameters: { groupId, ipPermissions: items(permissions) },
        responseElements: {
          requestId: ctx.requestId,
          _return: true,
          securityGroupRuleSet: items(
            permissions.map((p) => ({
              groupOwnerId: world.account,
              groupId,
              securityGroupRuleId: `sgr-0${rng.hex(16)}`,
              isEgress: false,
              ipProtocol: p['ipProtocol'],
              fromPort: p['fromPort'],
              toPort: p['toPort'],
              cidrIpv4: '10.20.0.0/16',
            })),
          ),
        },
      };
    },
  }),
  template({
    source: 'ec2.amazonaws.com',
    name: 'CreateSnapshot',
    weight: 2,
    readOnly: false,
    callers: { 'svc:dlm.amazonaws.com': 3, ci: 1 },
    build(ctx) {
      const { rng, world, timeMs } = ctx;
      const volumeId = rng.pick(world.volumes);
      return {
        requestParameters: { volumeId, description: 'Created for policy: policy-nightly-backups' },
        responseElements: {
          requestId: ctx.requestId,
          snapshotId: `snap-0${rng.hex(16)}`,
          volumeId,
          status: 'pending',
          startTime: timeMs,
          progress: '',
          ownerId: world.account,
          volumeSize: rng.pick([8, 20, 50, 100]),
          encrypted: true,
        },
      };
    },
  }),
  template({
    source: 'elasticloadbalancing.amazonaws.com',
    name: 'DescribeTargetHealth',
    weight: 4,
    readOnly: true,
    callers: { app: 1, linked: 2, human: 1 },
    build: (ctx) => ({
      requestParameters: { targetGroupArn: `arn:aws:elasticloadbalancing:${ctx.world.region}:${ctx.world.account}:targetgroup/web-tg/${ctx.rng.hex(16)}` },
      responseElements: null,
    }),
  }),
  template({
    source: 'elasticloadbalancing.amazonaws.com',
    name: 'DescribeLoadBalancers',
    weight: 4,
    readOnly: true,
    callers: { linked: 2, human: 1, ci: 1 },
    build: () => ({ requestParameters: null, responseElements: null }),
  }),
  template({
    source: 'autoscaling.amazonaws.com',
    name: 'DescribeAutoScalingGroups',
    weight: 3,
    readOnly: true,
    callers: { linked: 2, ci: 1, human: 1 },
    build: (ctx) => ({ requestParameters: { autoScalingGroupNames: [`${ctx.rng.pick(['web', 'worker'])}-asg`], maxRecords: 50 }, responseElements: null }),
  }),
];
