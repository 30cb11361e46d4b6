/** Every misconfiguration stops the cold start with a message naming the variable or file and the fix. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readConfig } from '../lambda/config.ts';
import { handler, loadEngine } from '../lambda/handler.ts';
import { makeBundle, SCHEMA_VERSION } from '../lambda/sigma/index.ts';
import { testRules, TOPIC_ARN } from './reliability/world.ts';

const configError = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
  assert.match(err.message, pattern);
  return true;
};

describe('Function: readConfig()', () => {
  it('throws naming ALERT_TOPIC_ARN when it is missing or blank', () => {
    assert.throws(() => readConfig({}), configError(/^ALERT_TOPIC_ARN is not set: it must name the SNS topic/));
    assert.throws(() => readConfig({ ALERT_TOPIC_ARN: '  ' }), configError(/^ALERT_TOPIC_ARN is not set/));
  });

  it('throws when ALERT_TOPIC_ARN is not a topic ARN, showing the value and the expected form', () => {
    assert.throws(() => readConfig({ ALERT_TOPIC_ARN: 'alerts' }), configError(/^ALERT_TOPIC_ARN is not an SNS topic ARN: 'alerts' \(expected arn:aws:sns:REGION:ACCOUNT:NAME\)/));
    assert.throws(() => readConfig({ ALERT_TOPIC_ARN: 'arn:aws:sqs:us-east-1:123456789012:q' }), configError(/not an SNS topic ARN/));
  });

  it('throws for a DEDUP_TABLE_NAME no table can have', () => {
    assert.throws(() => readConfig({ ALERT_TOPIC_ARN: TOPIC_ARN, DEDUP_TABLE_NAME: 'a b' }), configError(/^DEDUP_TABLE_NAME is not a DynamoDB table name: 'a b'/));
  });

  it('throws for an OBJECT_CONCURRENCY that is not a positive integer', () => {
    for (const bad of ['0', '-1', '1.5', 'four']) {
      assert.throws(() => readConfig({ ALERT_TOPIC_ARN: TOPIC_ARN, OBJECT_CONCURRENCY: bad }), configError(new RegExp(`^OBJECT_CONCURRENCY must be a positive integer, got '${bad}'`)));
    }
  });

  it('reads a complete configuration with its defaults', () => {
    assert.deepEqual(readConfig({ ALERT_TOPIC_ARN: ` ${TOPIC_ARN} ` }), {
      alertTopicArn: TOPIC_ARN, dedupTableName: undefined, rulesBundlePath: undefined, objectConcurrency: 4, stormThreshold: 20,
    });
  });
});

describe('Function: loadEngine()', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cts-bundle-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('loads a bundle with rules', () => {
    const engine = loadEngine(file('ok.json', JSON.stringify(makeBundle(testRules()))));
    assert.ok(engine);
  });

  it('names the path and RULES_BUNDLE_PATH when the file is missing', () => {
    const path = join(dir, 'missing.json');
    assert.throws(() => loadEngine(path), configError(new RegExp(`^cannot read the rule bundle at ${path.replaceAll('.', '\\.')} \\(RULES_BUNDLE_PATH='${path.replaceAll('.', '\\.')}'\\): no such file`)));
  });

  it('says when the default bundle beside the handler is missing', () => {
    assert.throws(() => loadEngine(), configError(/rules\.bundle\.json \(RULES_BUNDLE_PATH not set: the default file beside the handler\): no such file/));
  });

  it('names a bundle that is not JSON', () => {
    const path = file('bad.json', '{"schemaVersion": 2, "rules": [');
    assert.throws(() => loadEngine(path), configError(/^the rule bundle at .*bad\.json is not valid JSON/));
  });

  it('names both schema versions when the bundle was built by another version', () => {
    const path = file('old.json', JSON.stringify({ ...makeBundle(testRules()), schemaVersion: SCHEMA_VERSION + 100 }));
    assert.throws(() => loadEngine(path), configError(new RegExp(`has schema version ${SCHEMA_VERSION + 100} .*this build reads schema ${SCHEMA_VERSION} .*rebuild the rules`)));
  });

  it('refuses a bundle with no rules: the detector would never alert', () => {
    const path = file('empty.json', JSON.stringify(makeBundle([])));
    assert.throws(() => loadEngine(path), configError(/holds no rules/));
  });

  it('refuses a bundle whose rules cannot be loaded', () => {
    const path = file('broken.json', JSON.stringify({ ...makeBundle(testRules()), rules: [{ nonsense: true, detections: {} }] }));
    assert.throws(() => loadEngine(path), configError(/cannot be loaded: .*rebuild it/));
  });

  it('names the rule that refers to a detection the bundle does not hold', () => {
    const bundle = makeBundle(testRules());
    const path = file('dangling.json', JSON.stringify({ ...bundle, rules: [bundle.rules[0], { ...bundle.rules[1], detections: { selection: 999 } }] }));
    assert.throws(() => loadEngine(path), configError(/: rule 2 \(.*\) names detection 999 for 'selection', which the bundle does not hold: rebuild the rules/));
  });

  it('names the rule whose detection is damaged, and a network that is not an IP address, at load', () => {
    const bundle = makeBundle(testRules());
    const nulled = file('nulled.json', JSON.stringify({ ...bundle, detections: bundle.detections.map((d, i) => (i === bundle.rules[1]!.detections.selection ? null : d)) }));
    assert.throws(() => loadEngine(nulled), configError(/cannot be loaded: rule 2 \(.*\): .*rebuild it/));
    const cidr = { kind: 'fields', anyOf: [[{ field: 'sourceIPAddress', matcher: { kind: 'cidr', network: 'zzz', prefix: 8 } }]] };
    const badNetwork = file('cidr.json', JSON.stringify({ ...bundle, detections: [...bundle.detections, cidr], rules: [{ ...bundle.rules[0], detections: { selection: bundle.detections.length } }] }));
    assert.throws(() => loadEngine(badNetwork), configError(/cannot be loaded: rule 1 \(.*\): cidr network 'zzz' is not an IP address: rebuild it/));
  });

  it('quotes a schema version of the wrong type, so the two versions never read alike', () => {
    const path = file('string-version.json', JSON.stringify({ ...makeBundle(testRules()), schemaVersion: String(SCHEMA_VERSION) }));
    assert.throws(() => loadEngine(path), configError(new RegExp(`has schema version "${SCHEMA_VERSION}"`)));
  });

  it('refuses a bundle without its detection table', () => {
    const path = file('notable.json', JSON.stringify({ ...makeBundle(testRules()), detections: undefined }));
    assert.throws(() => loadEngine(path), configError(/has no detections array/));
  });
});

describe('Function: handler() at cold start', () => {
  const saved = { ...process.env };
  after(() => {
    process.env = saved;
  });

  it('fails the invocation with the configuration error, before reading any object', async () => {
    process.env = { ...saved, POWERTOOLS_LOG_LEVEL: 'SILENT' };
    delete process.env.ALERT_TOPIC_ARN;
    await assert.rejects(handler({ Records: [] }), configError(/^ALERT_TOPIC_ARN is not set/));
  });

  it('fails the invocation naming the unreadable rule bundle', async () => {
    process.env = { ...saved, POWERTOOLS_LOG_LEVEL: 'SILENT', ALERT_TOPIC_ARN: TOPIC_ARN, RULES_BUNDLE_PATH: '/nonexistent/rules.bundle.json' };
    await assert.rejects(handler({ Records: [] }), configError(/^cannot read the rule bundle at \/nonexistent\/rules\.bundle\.json/));
  });
});
