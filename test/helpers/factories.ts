/** Builders for test inputs: realistic CloudTrail records and deliveries. */
import { gzipSync } from 'node:zlib';

let counter = 0;

/** A CloudTrail management event with sensible defaults; pass the fields a test is about. */
export function cloudTrailRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL',
      arn: 'arn:aws:iam::123456789012:user/alice',
      accountId: '123456789012',
      accessKeyId: 'AKIAEXAMPLEKEY',
      userName: 'alice',
    },
    eventTime: '2026-11-30T10:15:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.0 md/Botocore#1.35.0',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${counter}`,
    eventID: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    ...overrides,
  };
}

/** The S3 delivery body `{"Records":[…]}`. */
export function deliveryJson(records: unknown[]): string {
  return JSON.stringify({ Records: records });
}

export function gzipDelivery(records: unknown[]): Buffer {
  return gzipSync(Buffer.from(deliveryJson(records)));
}

/** Splits a buffer into chunks of `size` bytes, to exercise chunk boundaries. */
export async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}

/** S3 notifications are form-encoded: a space is `+` (slashes stay). */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

/** The event S3 sends to the function for new objects, one record per key, keys encoded as S3 encodes them. */
export function s3Notification(keys: readonly string[], bucket: string) {
  return {
    Records: keys.map((key, i) => ({
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: '2026-11-30T10:15:00.000Z',
      eventName: 'ObjectCreated:Put', userIdentity: { principalId: 'AWS:EXAMPLE' },
      requestParameters: { sourceIPAddress: '203.0.113.1' }, responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'I' },
      s3: {
        s3SchemaVersion: '1.0', configurationId: 'cloudtrail-sigma',
        bucket: { name: bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeKey(key), size: 1, eTag: 'e', sequencer: `00${i}` },
      },
    })),
  };
}
