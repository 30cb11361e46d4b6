/** Shared inputs of the reliability tests: a small rule set, CloudTrail keys and the S3 notification for objects. */
import { compileRuleSource, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';
import { s3Notification } from '../helpers/factories.ts';

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

/** The event S3 sends to the function for new objects, one record per key. */
export const s3Event = (keys: readonly string[], bucket = BUCKET) => s3Notification(keys, bucket);

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
