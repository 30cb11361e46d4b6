/**
 * Value pools for synthetic CloudTrail records: accounts, addresses, user agents, names. All invented: documentation
 * account ids and IP ranges (RFC 5737, RFC 3849), made-up people and resources.
 */
import type { Rng } from './prng.ts';

export const MAIN_ACCOUNT = '123456789012';
/** Other accounts of the same organisation (audit, shared services) that show up as callers or owners. */
export const ORG_ACCOUNTS = ['111122223333', '444455556666'] as const;
/** An account outside the organisation, used by the attack scenarios. */
export const EXTERNAL_ACCOUNT = '999988887777';

export const DEFAULT_REGIONS = ['us-east-1'] as const;

/** Public addresses of people and NAT gateways, all from the documentation ranges. */
export function officeIp(rng: Rng): string {
  return `198.51.100.${rng.range(10, 60)}`;
}

export function homeIp(rng: Rng): string {
  return rng.chance(0.3) ? `2001:db8:${rng.hex(4)}:${rng.hex(4)}::${rng.hex(3)}` : `203.0.113.${rng.range(20, 120)}`;
}

export function natGatewayIp(rng: Rng): string {
  return `192.0.2.${rng.range(1, 40)}`;
}

/** A private address as seen on calls that came through a VPC endpoint. */
export function vpcIp(rng: Rng): string {
  return `10.20.${rng.range(0, 15)}.${rng.range(4, 250)}`;
}

export const TLS_CHOICES = [
  ['TLSv1.3', 'TLS_AES_128_GCM_SHA256'],
  ['TLSv1.3', 'TLS_AES_256_GCM_SHA384'],
  ['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256'],
] as const;

const CLI_COMMANDS = ['s3.cp', 's3.ls', 'ec2.describe-instances', 'sts.get-caller-identity', 'logs.tail', 'iam.list-roles'];

export const userAgents = {
  cli(rng: Rng): string {
    const os = rng.pick(['linux#6.5.0-1017-aws', 'macos#23.4.0', 'windows#10']);
    const arch = os.startsWith('macos') ? 'arm64' : 'x86_64';
    return `aws-cli/2.15.${rng.range(20, 40)} md/awscrt#0.19.${rng.range(10, 19)} ua/2.0 os/${os} md/arch#${arch} lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${rng.pick(CLI_COMMANDS)}`;
  },
  boto3(rng: Rng): string {
    const v = `1.34.${rng.range(50, 90)}`;
    return `Boto3/${v} md/Botocore#${v} ua/2.0 os/linux#5.10.214-202.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/${v}`;
  },
  nodeSdk(rng: Rng): string {
    const v = `3.5${rng.range(10, 60)}.0`;
    return `aws-sdk-js/${v} ua/2.1 os/linux#5.10.214-224.855.amzn2.x86_64 lang/js md/nodejs#20.12.0 api/${rng.pick(['dynamodb', 's3', 'sqs'])}#${v} exec-env/AWS_Lambda_nodejs20.x`;
  },
  terraform(rng: Rng): string {
    return `APN/1.0 HashiCorp/1.0 Terraform/1.7.${rng.range(0, 5)} (+https://www.terraform.io) terraform-provider-aws/5.4${rng.range(0, 6)}.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64`;
  },
  java(rng: Rng): string {
    return `aws-sdk-java/2.25.${rng.range(10, 40)} Linux/5.10.214-202.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy`;
  },
  ssmAgent(rng: Rng): string {
    return `aws-sdk-go/1.50.${rng.range(1, 40)} (go1.21.8; linux; amd64) amazon-ssm-agent/3.3.${rng.range(100, 300)}.0`;
  },
  browser(rng: Rng): string {
    return rng.pick([
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12${rng.range(2, 5)}.0.0.0 Safari/537.36`,
      `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15`,
      `Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0`,
    ]);
  },
};

export const PEOPLE = ['alice.nguyen', 'ops-admin', 'j.okafor'] as const;
export const SSO_USERS = ['dana.kowalski@example.com', 'lee.chen@example.com', 'sam.ortiz@example.org'] as const;

export const BUCKET_STEMS = ['app-assets', 'data-lake-raw', 'customer-exports', 'build-artifacts', 'org-trail-logs'];
export const APP_NAMES = ['orders', 'billing', 'catalog', 'search', 'notifications', 'ledger'];
export const FUNCTION_NAMES = ['order-processor', 'invoice-renderer', 'thumbnailer', 'audit-forwarder'];
export const INSTANCE_TYPES = ['t3.micro', 't3.medium', 'm6i.large', 'c7g.xlarge', 'r6i.2xlarge'];

export function bucketName(stem: string, account: string, region: string): string {
  return `${stem}-${account}-${region}`;
}

export function ec2Id(rng: Rng, prefix: string): string {
  return `${prefix}-0${rng.hex(16)}`;
}

/** CloudTrail's time format: second precision, UTC, trailing Z. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** The "Mar 11, 2025, 3:04:05 PM" style some services use inside responseElements. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
