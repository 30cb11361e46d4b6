/**
 * Completes the short records of `test/rules/*.cases.json` into full CloudTrail records.
 *
 * A case record spells out what the rule under test looks at (event, identity, parameters, outcome); the factory
 * adds the envelope every CloudTrail record carries (version, time, region, source address, ids, category…), so
 * the case files stay short, plain JSON. Fields given in the case always win, including `null`.
 */
import { createHash } from 'node:crypto';

export const ACCOUNT_ID = '123456789012';

/** The default caller: an IAM user with a long-term access key, using the AWS CLI. */
const DEFAULT_IDENTITY = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEALICE0001',
  arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`,
  accountId: ACCOUNT_ID,
  accessKeyId: 'AKIAEXAMPLEALICE0001',
  userName: 'alice',
};

const DEFAULT_USER_AGENT =
  'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.1 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.6 ' +
  'md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off';

/** A UUID-shaped id derived from the case content, so records are stable from run to run. */
function stableId(digest: string, salt: string): string {
  const h = createHash('sha256').update(digest + salt).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A full CloudTrail record from a case record. `eventSource` and `eventName` are required: a case that forgot
 * them would test nothing.
 *
 * @example cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' })
 */
export function cloudTrailRecord(partial: Record<string, unknown>): Record<string, unknown> {
  if (typeof partial.eventSource !== 'string' || typeof partial.eventName !== 'string') {
    throw new Error(`a case record needs eventSource and eventName: ${JSON.stringify(partial).slice(0, 200)}`);
  }
  const digest = createHash('sha256').update(JSON.stringify(partial)).digest('hex');
  return {
    eventVersion: '1.09',
    userIdentity: DEFAULT_IDENTITY,
    eventTime: '2026-12-01T09:30:00Z',
    eventSource: partial.eventSource,
    eventName: partial.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.24',
    userAgent: DEFAULT_USER_AGENT,
    requestParameters: null,
    responseElements: null,
    requestID: stableId(digest, 'request'),
    eventID: stableId(digest, 'event'),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT_ID,
    eventCategory: 'Management',
    ...partial,
  };
}
