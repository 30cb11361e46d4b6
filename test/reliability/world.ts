/** Shared inputs of the reliability tests: a small rule set, CloudTrail keys and the S3 notification for objects. */
import { compileRuleSource, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:alerts';
export const BUCKET = 'trail-bucket';

const rule = (id: string, title: string, selection: string) => `
title: ${title}
id: ${id}
status: test
level: high
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
${selection}
  condition: selection
`;

/** StopLogging, and a rule reading through `__proto__` / `constructor.prototype` keys of requestParameters. */
export const TEST_RULE_SOURCES = [
  rule('6f0f5f3c-0000-4000-8000-000000000001', 'Trail stopped', '    eventSource: cloudtrail.amazonaws.com\n    eventName: StopLogging'),
  rule('6f0f5f3c-0000-4000-8000-000000000002', 'Prototype keys', "    eventName: PutBucketPolicy\n    requestParameters.__proto__.polluted: 'yes'\n    requestParameters.constructor.prototype.polluted: 'yes'"),
];

export function testRules(): CompiledRule[] {
  return TEST_RULE_SOURCES.map((text, i) => {
    const [result] = compileRuleSource(text, `rule-${i}.yml`);
    if (!result?.rule) throw new Error(`test rule ${i} does not compile: ${result?.reason}`);
    return result.rule;
  });
}

export const testEngine = () => new RuleEngine(testRules());

let serial = 0;
/** A fresh CloudTrail log file key; `folder` is `CloudTrail`, `CloudTrail-Digest` or `CloudTrail-Insight`. */
export function trailKey(folder = 'CloudTrail'): string {
  serial++;
  return `AWSLogs/123456789012/${folder}/us-east-1/2026/11/30/123456789012_${folder}_us-east-1_20261130T1015Z_${String(serial).padStart(6, '0')}.json.gz`;
}

/** S3 notifications are form-encoded: a space is `+`. */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

/** The event S3 sends to the function for new objects, one record per key. */
export function s3Event(keys: readonly string[], bucket = BUCKET) {
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

/** Log lines and metrics as the handler hands them over, for assertions. */
export function recorders() {
  const logs: { level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> }[] = [];
  const metrics: { name: string; unit: string; value: number }[] = [];
  let flushes = 0;
  const line = (level: 'info' | 'warn' | 'error') => (message: string, ...extra: unknown[]) => {
    logs.push({ level, message, fields: Object.assign({}, ...extra.filter((e) => typeof e === 'object')) as Record<string, unknown> });
  };
  return {
    logs,
    metrics,
    flushes: () => flushes,
    logger: { info: line('info'), warn: line('warn'), error: line('error') },
    metricSink: {
      addMetric(name: string, unit: string, value: number) {
        metrics.push({ name, unit, value });
        return this;
      },
      publishStoredMetrics() {
        flushes++;
        return this;
      },
    },
  };
}
