/** Real matches for alert tests: records run through the real pipeline and engine against small test rules. */
import { detectInSource } from '../../lambda/pipeline.ts';
import type { Match } from '../../lambda/pipeline.ts';
import { compileRuleSource, RuleEngine } from '../../lambda/sigma/index.ts';
import type { CompiledRule } from '../../lambda/sigma/index.ts';
import { chunked, deliveryJson } from '../helpers/factories.ts';

export const HIGH_RULE_ID = '11111111-2222-4333-8444-555555555555';
export const LOW_RULE_ID = '66666666-7777-4888-9999-000000000000';
export const SOURCE = 's3://trail-bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/30/123456789012_CloudTrail_us-east-1_20261130T1015Z_abc.json.gz';

/** `high`: any CreateApiKey; `low`: any ListUsers. */
const RULES_YAML = `
title: API Key Created
id: ${HIGH_RULE_ID}
status: test
level: high
description: |
  Someone created an API key,
  a long-lived secret.
tags: [attack.persistence, attack.t1098.001]
falsepositives: [Deployment pipelines]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventName: CreateApiKey
  condition: selection
---
title: Users Listed
id: ${LOW_RULE_ID}
status: test
level: low
description: Someone listed IAM users.
tags: [attack.discovery, attack.t1087.004]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventName: ListUsers
  condition: selection
`;

export function testRules(): CompiledRule[] {
  return compileRuleSource(RULES_YAML, 'test/rules.yml').map((r) => {
    if (!r.rule) throw new Error(`test rule ${r.file}: ${r.status}: ${r.reason}`);
    return r.rule;
  });
}

const engine = new RuleEngine(testRules());

/** The matches the pipeline finds in one object holding these records. */
export async function matchesOf(records: readonly object[], source = SOURCE): Promise<Match[]> {
  const matches: Match[] = [];
  const outcome = await detectInSource(source, chunked(Buffer.from(deliveryJson([...records])), 1 << 16), engine, (m) => matches.push(m));
  if (outcome.status !== 'ok') throw new Error(`test object failed: ${outcome.error?.message}`);
  return matches;
}
