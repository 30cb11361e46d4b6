/**
 * The resources that exist in one account and region (buckets, keys, instances, parameters…), drawn once so that
 * successive records keep touching the same things, as real traffic does.
 */
import { Rng } from './prng.ts';
import { APP_NAMES, BUCKET_STEMS, FUNCTION_NAMES, INSTANCE_TYPES, bucketName, ec2Id } from './values.ts';

export interface Instance {
  readonly id: string;
  readonly type: string;
  readonly ami: string;
  readonly subnet: string;
  readonly securityGroup: string;
  readonly privateIp: string;
}

export interface World {
  readonly account: string;
  readonly region: string;
  readonly buckets: readonly string[];
  readonly kmsKeys: readonly string[];
  readonly trailName: string;
  readonly vpcId: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly amis: readonly string[];
  readonly instances: readonly Instance[];
  readonly volumes: readonly string[];
  readonly snapshots: readonly string[];
  readonly parameters: readonly string[];
  readonly secrets: readonly string[];
  readonly logGroups: readonly string[];
  readonly tables: readonly string[];
  readonly functions: readonly string[];
  readonly clusters: readonly string[];
  readonly graphqlApis: readonly string[];
  readonly detectorId: string;
}

/** FNV-1a over the parts, so each account/region gets its own stable stream whatever else is generated. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function buildWorld(seed: number, account: string, region: string): World {
  const rng = new Rng(hashSeed(seed, 'world', account, region));
  const subnets = [ec2Id(rng, 'subnet'), ec2Id(rng, 'subnet'), ec2Id(rng, 'subnet')];
  const securityGroups = [ec2Id(rng, 'sg'), ec2Id(rng, 'sg'), ec2Id(rng, 'sg')];
  const amis = [ec2Id(rng, 'ami'), ec2Id(rng, 'ami')];
  const instances = Array.from({ length: 6 }, (): Instance => ({
    id: ec2Id(rng, 'i'),
    type: rng.pick(INSTANCE_TYPES),
    ami: rng.pick(amis),
    subnet: rng.pick(subnets),
    securityGroup: rng.pick(securityGroups),
    privateIp: `10.20.${rng.range(0, 15)}.${rng.range(4, 250)}`,
  }));
  return {
    account,
    region,
    buckets: BUCKET_STEMS.map((stem) => bucketName(stem, account, region)),
    kmsKeys: [rng.uuid(), rng.uuid(), rng.uuid()],
    trailName: 'org-audit-trail',
    vpcId: ec2Id(rng, 'vpc'),
    subnets,
    securityGroups,
    amis,
    instances,
    volumes: instances.map(() => ec2Id(rng, 'vol')),
    snapshots: [ec2Id(rng, 'snap'), ec2Id(rng, 'snap'), ec2Id(rng, 'snap')],
    parameters: APP_NAMES.flatMap((app) => [`/${app}/prod/db-host`, `/${app}/prod/feature-flags`]),
    secrets: APP_NAMES.map((app) => `prod/${app}/db-credentials-${rng.alnum(6)}`),
    logGroups: [...FUNCTION_NAMES.map((fn) => `/aws/lambda/${fn}`), '/ecs/ledger', '/var/log/app-server'],
    tables: APP_NAMES.map((app) => `${app}-prod`),
    functions: FUNCTION_NAMES,
    clusters: ['ledger-prod', 'batch-jobs'],
    graphqlApis: [rng.alnum(26).toLowerCase(), rng.alnum(26).toLowerCase()],
    detectorId: rng.hex(32),
  };
}

export function kmsKeyArn(world: World, keyId: string): string {
  return `arn:aws:kms:${world.region}:${world.account}:key/${keyId}`;
}
