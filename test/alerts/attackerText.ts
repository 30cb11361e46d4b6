/** A record whose attacker-controlled fields try every trick against email and Slack readers. */
import { cloudTrailRecord } from '../helpers/factories.ts';

export const EVIL =
  '<!channel> <!here> <@U012AB3CD> @here <https://evil.example/login|https://console.aws.amazon.com> ' +
  '*bold* _it_ ~s~ `code` ``` [link](https://evil.example) > quote\r\nBcc: victim@example.com\u0007\u001b[2J\u202egnp.exe\u200b';

export function evilRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return cloudTrailRecord({
    eventName: 'CreateApiKey',
    eventSource: 'appsync.amazonaws.com',
    userAgent: EVIL,
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::123456789012:user/${EVIL}`,
      accountId: '123456789012',
      accessKeyId: 'AKIAEXAMPLEKEY',
      userName: EVIL,
    },
    requestParameters: { name: EVIL },
    errorCode: 'AccessDenied',
    errorMessage: EVIL,
    ...overrides,
  });
}

/** Control and invisible characters that must never reach a person raw. */
export const RAW_HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Our own links in Slack text: console and ATT&CK pages. Anything else between < and > would be an injection. */
export const OUR_LINKS = /<https:\/\/(?:[a-z0-9-]+\.console\.aws\.amazon\.com|console\.amazonaws\.cn|console\.amazonaws-us-gov\.com|attack\.mitre\.org)\/[^\s|<>]*\|[^<>|]*>/g;
