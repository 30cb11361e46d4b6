/**
 * RunInstances and friends: the largest and most deeply nested records of a typical trail (instancesSet.items →
 * networkInterfaceSet.items → groupSet.items …, ten levels down), 5–30 KB when several instances start at once.
 */
import { trickyText } from '../adversarial.ts';
import type { Rng } from '../prng.ts';
import type { Instance, World } from '../world.ts';
import { template, type BuildContext, type EventTemplate, type Json } from './types.ts';

const items = <T>(list: readonly T[]): { items: T[] } => ({ items: [...list] });

function tags(ctx: BuildContext): Json[] {
  const { rng } = ctx;
  const list: Json[] = [
    { key: 'Name', value: `${rng.pick(['web', 'worker', 'batch', 'bastion'])}-${rng.alnum(5).toLowerCase()}` },
    { key: 'team', value: rng.pick(['platform', 'payments', 'data']) },
  ];
  if (rng.chance(0.2)) list.push({ key: 'note', value: trickyText(rng) });
  return list;
}

function macAddress(rng: Rng): string {
  return Array.from({ length: 6 }, () => rng.hex(2)).join(':');
}

function launchedInstance(ctx: BuildContext, index: number, base: Instance, launchMs: number, tagSet: Json[]): Json {
  const { rng, world } = ctx;
  const id = `i-0${rng.hex(16)}`;
  const eni = `eni-0${rng.hex(16)}`;
  const privateIp = `10.20.${rng.range(0, 15)}.${rng.range(4, 250)}`;
  const az = `${world.region}${rng.pick(['a', 'b', 'c'])}`;
  const group = items([{ groupId: base.securityGroup, groupName: 'app-default' }]);
  return {
    instanceId: id,
    imageId: base.ami,
    currentInstanceBootMode: 'uefi',
    instanceState: { code: 0, name: 'pending' },
    privateDnsName: `ip-${privateIp.replaceAll('.', '-')}.${world.region}.compute.internal`,
    amiLaunchIndex: index,
    productCodes: {},
    instanceType: base.type,
    launchTime: launchMs,
    placement: { availabilityZone: az, tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: base.subnet,
    vpcId: world.vpcId,
    privateIpAddress: privateIp,
    stateReason: { code: 'pending', message: 'pending' },
    architecture: base.type.startsWith('c7g') ? 'arm64' : 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: {},
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    tagSet: items(tagSet),
    clientToken: rng.uuid(),
    groupSet: group,
    sourceDestCheck: true,
    networkInterfaceSet: items([
      {
        networkInterfaceId: eni,
        subnetId: base.subnet,
        vpcId: world.vpcId,
        ownerId: world.account,
        status: 'in-use',
        macAddress: macAddress(rng),
        privateIpAddress: privateIp,
        privateDnsName: `ip-${privateIp.replaceAll('.', '-')}.${world.region}.compute.internal`,
        sourceDestCheck: true,
        interfaceType: 'interface',
        groupSet: group,
        attachment: {
          attachmentId: `eni-attach-0${rng.hex(16)}`,
          deviceIndex: 0,
          networkCardIndex: 0,
          status: 'attaching',
          attachTime: launchMs,
          deleteOnTermination: true,
        },
        privateIpAddressesSet: { item: [{ privateIpAddress: privateIp, privateDnsName: `ip-${privateIp.replaceAll('.', '-')}.${world.region}.compute.internal`, primary: true }] },
        ipv6AddressesSet: {},
        tagSet: {},
      },
    ]),
    iamInstanceProfile: { arn: `arn:aws:iam::${world.account}:instance-profile/app-server-profile`, id: `AIPA${rng.upperAlnum(17)}` },
    ebsOptimized: false,
    enaSupport: true,
    cpuOptions: { coreCount: rng.pick([1, 2, 4]), threadsPerCore: 2 },
    capacityReservationSpecification: { capacityReservationPreference: 'open' },
    hibernationOptions: { configured: false },
    enclaveOptions: { enabled: false },
    metadataOptions: {
      state: 'pending',
      httpTokens: 'required',
      httpPutResponseHopLimit: 2,
      httpEndpoint: 'enabled',
      httpProtocolIpv4: 'enabled',
      httpProtocolIpv6: 'disabled',
      instanceMetadataTags: 'disabled',
    },
    maintenanceOptions: { autoRecovery: 'default' },
    privateDnsNameOptions: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
  };
}

function instanceCount(rng: Rng): number {
  const roll = rng.next();
  if (roll < 0.7) return 1;
  if (roll < 0.95) return rng.range(2, 4);
  return rng.range(5, 12);
}

const runInstances = template({
  source: 'ec2.amazonaws.com',
  name: 'RunInstances',
  weight: 4,
  readOnly: false,
  callers: { ci: 3, 'linked': 2, human: 1 },
  build(ctx) {
    const { rng, world, timeMs, requestId } = ctx;
    const base = rng.pick(world.instances);
    const count = instanceCount(rng);
    const tagSet = tags(ctx);
    const clientToken = rng.uuid();
    return {
      requestParameters: {
        instancesSet: items([{ imageId: base.ami, minCount: count, maxCount: count }]),
        instanceType: base.type,
        blockDeviceMapping: items([{ deviceName: '/dev/xvda', ebs: { volumeSize: rng.pick([8, 20, 50, 100]), deleteOnTermination: true, volumeType: 'gp3', encrypted: true } }]),
        monitoring: { enabled: false },
        disableApiTermination: false,
        disableApiStop: false,
        clientToken,
        networkInterfaceSet: items([{ deviceIndex: 0, subnetId: base.subnet, groupSet: items([{ groupId: base.securityGroup }]) }]),
        iamInstanceProfile: { name: 'app-server-profile' },
        tagSpecificationSet: items([{ resourceType: 'instance', tags: tagSet }]),
        metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
      },
      responseElements: {
        requestId,
        reservationId: `r-0${rng.hex(16)}`,
        ownerId: world.account,
        groupSet: {},
        instancesSet: items(Array.from({ length: count }, (_, i) => launchedInstance(ctx, i, base, timeMs, tagSet))),
      },
    };
  },
});

function stateChange(name: string, from: [number, string], to: [number, string]): EventTemplate {
  return template({
    source: 'ec2.amazonaws.com',
    name,
    weight: name === 'TerminateInstances' ? 2 : 1,
    readOnly: false,
    callers: { ci: 2, linked: 2, human: 1 },
    build(ctx) {
      const chosen = ctx.rng.pick(ctx.world.instances);
      return {
        requestParameters: { instancesSet: items([{ instanceId: chosen.id }]), ...(name === 'StopInstances' ? { force: false } : {}) },
        responseElements: {
          requestId: ctx.requestId,
          instancesSet: items([
            { instanceId: chosen.id, currentState: { code: to[0], name: to[1] }, previousState: { code: from[0], name: from[1] } },
          ]),
        },
      };
    },
  });
}

export function instanceFilter(world: World, rng: Rng): Json {
  return items([{ name: 'instance-state-name', valueSet: items([{ value: 'running' }, { value: 'pending' }]) }, { name: 'vpc-id', valueSet: items([{ value: world.vpcId }]) }].slice(0, rng.range(1, 2)));
}

export const ec2InstanceTemplates: readonly EventTemplate[] = [
  runInstances,
  stateChange('TerminateInstances', [16, 'running'], [32, 'shutting-down']),
  stateChange('StopInstances', [16, 'running'], [64, 'stopping']),
  stateChange('StartInstances', [80, 'stopped'], [0, 'pending']),
];
