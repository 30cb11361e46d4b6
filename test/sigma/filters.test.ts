/**
 * Sigma filter documents: compiled with their folder, ANDed onto the rules they name (by id, by title, or `any`),
 * reported ok naming those rules, or invalid with a reason — and the example filter shipped in rules/filters/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRuleDocument, compileRuleFolders, compileRuleSource, evaluate, loadRule } from '../../lambda/sigma/index.ts';
import type { CompiledRule, RuleCheckResult } from '../../lambda/sigma/index.ts';
import { cloudTrailRecord } from '../rules/factory.ts';

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

const RULE_ID = '6f1d0f5e-4d3a-4b7e-9c1a-2b3c4d5e6f70';
const RULE = `title: Trail Stopped
id: ${RULE_ID}
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventSource: cloudtrail.amazonaws.com, eventName: StopLogging }
  condition: selection
`;
const OTHER_RULE = `title: Trail Deleted
id: 0b9e5a43-0000-4000-8000-000000000002
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventSource: cloudtrail.amazonaws.com, eventName: DeleteTrail }
  condition: selection
`;

function filterDoc(rules: string, condition = 'not selection', extra = ''): string {
  return `title: Exclude the deploy role
logsource: { product: aws, service: cloudtrail }
${extra}filter:
  rules: ${rules}
  selection: { userIdentity.sessionContext.sessionIssuer.userName: deploy }
  condition: ${condition}
`;
}

/** Writes the files into a fresh folder and compiles it. */
function compileFiles(files: Record<string, string>): { rules: CompiledRule[]; results: RuleCheckResult[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-filters-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return compileRuleFolders([dir]);
}

const byFile = (results: RuleCheckResult[]) => Object.fromEntries(results.map((r) => [r.file, r]));

const identity = (userName: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::123456789012:assumed-role/${userName}/session`,
  sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::123456789012:role/${userName}`, userName } },
});
const stopLogging = (userName: string) =>
  cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', userIdentity: identity(userName) });
const deleteTrail = (userName: string) =>
  cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', userIdentity: identity(userName) });

const fires = (rule: CompiledRule | undefined, record: Record<string, unknown>) => evaluate(loadRule(rule!), record);
const ruleTitled = (rules: CompiledRule[], title: string) => rules.find((r) => r.meta.title === title);

describe('Function: compileRuleFolders() with filter documents', () => {
  it('ANDs the filter condition onto the rule it names by id, excluding what the filter selects', () => {
    const { rules, results } = compileFiles({ 'rule.yml': RULE, 'other.yml': OTHER_RULE, 'mf_deploy.yml': filterDoc(`[ ${RULE_ID} ]`) });
    const r = byFile(results);
    assert.equal(r['mf_deploy.yml']!.status, 'ok');
    assert.equal(r['mf_deploy.yml']!.reason, "filter applied to 1 rule: 'Trail Stopped'");
    const stopped = ruleTitled(rules, 'Trail Stopped');
    assert.equal(fires(stopped, stopLogging('deploy')), false);
    assert.equal(fires(stopped, stopLogging('intruder')), true);
    assert.equal(fires(ruleTitled(rules, 'Trail Deleted'), deleteTrail('deploy')), true, 'a rule the filter does not name is untouched');
  });

  it('keeps the rule and names the filter identifiers after the filter file', () => {
    const { rules } = compileFiles({ 'rule.yml': RULE, 'mf_deploy.yml': filterDoc(`[ ${RULE_ID} ]`) });
    const stopped = ruleTitled(rules, 'Trail Stopped')!;
    assert.deepEqual(Object.keys(stopped.detections), ['selection', 'mf_deploy.yml:selection']);
    assert.deepEqual(stopped.condition, {
      op: 'and',
      args: [{ op: 'ref', name: 'selection' }, { op: 'not', arg: { op: 'ref', name: 'mf_deploy.yml:selection' } }],
    });
    assert.equal(stopped.ruleFile, 'rule.yml');
    assert.equal(stopped.meta.id, RULE_ID);
  });

  it('resolves a rule named by title, case-insensitively, and a single reference written as a string', () => {
    const { rules, results } = compileFiles({ 'rule.yml': RULE, 'mf_deploy.yml': filterDoc("'trail stopped'") });
    assert.equal(byFile(results)['mf_deploy.yml']!.status, 'ok');
    assert.equal(fires(ruleTitled(rules, 'Trail Stopped'), stopLogging('deploy')), false);
  });

  it("applies 'any' and an empty list to every loaded rule of the filter's log source", () => {
    for (const rulesRef of ['any', '[]']) {
      const { rules, results } = compileFiles({ 'rule.yml': RULE, 'other.yml': OTHER_RULE, 'mf_deploy.yml': filterDoc(rulesRef) });
      assert.match(byFile(results)['mf_deploy.yml']!.reason, /^filter applied to 2 rules/, rulesRef);
      assert.equal(fires(ruleTitled(rules, 'Trail Stopped'), stopLogging('deploy')), false, rulesRef);
      assert.equal(fires(ruleTitled(rules, 'Trail Deleted'), deleteTrail('deploy')), false, rulesRef);
    }
  });

  it('applies the condition as written: without not, the rule fires only on what the filter selects', () => {
    const { rules } = compileFiles({ 'rule.yml': RULE, 'mf_only.yml': filterDoc(`[ ${RULE_ID} ]`, 'selection') });
    const stopped = ruleTitled(rules, 'Trail Stopped');
    assert.equal(fires(stopped, stopLogging('deploy')), true);
    assert.equal(fires(stopped, stopLogging('intruder')), false);
  });

  it('applies two filters naming the same rule one after the other', () => {
    const second = filterDoc(`[ ${RULE_ID} ]`).replace('userName: deploy', 'userName: backup');
    const { rules } = compileFiles({ 'rule.yml': RULE, 'mf_a.yml': filterDoc(`[ ${RULE_ID} ]`), 'mf_b.yml': second });
    const stopped = ruleTitled(rules, 'Trail Stopped');
    assert.equal(fires(stopped, stopLogging('deploy')), false);
    assert.equal(fires(stopped, stopLogging('backup')), false);
    assert.equal(fires(stopped, stopLogging('intruder')), true);
  });

  it('finds filter and rule in one multi-document file', () => {
    const { rules, results } = compileFiles({ 'tuned.yml': `${RULE}---\n${filterDoc(`[ ${RULE_ID} ]`)}` });
    assert.equal(byFile(results)['tuned.yml#1']!.status, 'ok');
    assert.equal(fires(ruleTitled(rules, 'Trail Stopped'), stopLogging('deploy')), false);
  });
});

describe('Function: compileRuleFolders() reporting filter problems', () => {
  it('turns a filter naming no loaded rule invalid, naming the reference, and applies none of it', () => {
    const { rules, results } = compileFiles({ 'rule.yml': RULE, 'mf_deploy.yml': filterDoc(`[ ${RULE_ID}, Renamed Rule ]`) });
    const f = byFile(results)['mf_deploy.yml']!;
    assert.equal(f.status, 'invalid');
    assert.equal(f.reason, "filter.rules names no loaded rule: 'Renamed Rule'");
    assert.equal(fires(ruleTitled(rules, 'Trail Stopped'), stopLogging('deploy')), true);
  });

  it("turns a filter invalid when a named rule is outside the filter's log source", () => {
    const s3Filter = filterDoc(`[ ${RULE_ID} ]`).replace('service: cloudtrail', 'service: s3');
    const f = byFile(compileFiles({ 'rule.yml': RULE, 'mf_deploy.yml': s3Filter }).results)['mf_deploy.yml']!;
    assert.equal(f.status, 'invalid');
    assert.match(f.reason, /log source \(product: aws, service: s3\) does not cover 'Trail Stopped' \(rule\.yml, product: aws, service: cloudtrail\)/);
  });

  it("turns an 'any' filter whose log source covers no rule invalid", () => {
    const f = byFile(compileFiles({ 'rule.yml': RULE, 'mf.yml': filterDoc('any').replace('service: cloudtrail', 'service: s3') }).results)['mf.yml']!;
    assert.equal(f.status, 'invalid');
    assert.match(f.reason, /covers no loaded rule/);
  });

  const broken: [string, string, RegExp][] = [
    ['no rules key', 'title: F\nlogsource: { product: aws }\nfilter: { selection: { a: b }, condition: not selection }\n', /filter has no 'rules'.* at filter \(line 3\)/],
    ['rules a map', 'title: F\nlogsource: { product: aws }\nfilter: { rules: { a: b }, selection: { a: b }, condition: not selection }\n', /filter rules must be/],
    ['a number reference', 'title: F\nlogsource: { product: aws }\nfilter: { rules: [ 12 ], selection: { a: b }, condition: not selection }\n', /rule id or title at filter\.rules\[0\]/],
    ['a condition list', 'title: F\nlogsource: { product: aws }\nfilter: { rules: any, selection: { a: b }, condition: [ not selection ] }\n', /exactly one condition/],
    ['an unknown identifier', 'title: F\nlogsource: { product: aws }\nfilter: { rules: any, selection: { a: b }, condition: not other }\n', /'other' is not a search identifier/],
    ['filter not a map', 'title: F\nlogsource: { product: aws }\nfilter: [ a ]\n', /filter must be a map/],
    ['no title', 'logsource: { product: aws }\nfilter: { rules: any, selection: { a: b }, condition: not selection }\n', /title is missing/],
    ['no logsource', 'title: F\nfilter: { rules: any, selection: { a: b }, condition: not selection }\n', /logsource is missing/],
  ];
  for (const [name, body, reason] of broken) {
    it(`reports a filter with ${name} as invalid`, () => {
      const f = byFile(compileFiles({ 'rule.yml': RULE, 'mf.yml': body }).results)['mf.yml']!;
      assert.equal(f.status, 'invalid');
      assert.match(f.reason, reason);
    });
  }

  it('reports a filter for another product as unsupported, like a rule', () => {
    const f = byFile(compileFiles({ 'rule.yml': RULE, 'mf.yml': filterDoc('any').replace('product: aws, ', 'product: windows, ') }).results)['mf.yml']!;
    assert.equal(f.status, 'unsupported');
    assert.match(f.reason, /only product aws/);
  });
});

describe('Function: compileRuleSource() and compileRuleDocument() with a filter document', () => {
  it('compiles the filter without applying it, leaving that to the folder', () => {
    const [rule, filter] = compileRuleSource(`${RULE}---\n${filterDoc(`[ ${RULE_ID} ]`)}`, 'tuned.yml');
    assert.equal(filter!.status, 'ok');
    assert.deepEqual(filter!.filter!.rules, [RULE_ID]);
    assert.deepEqual(rule!.rule!.condition, { op: 'ref', name: 'selection' });
  });

  it('reports a filter document compiled alone as unsupported', () => {
    const result = compileRuleDocument({ title: 'F', logsource: { product: 'aws' }, filter: { rules: 'any', s: { a: 'b' }, condition: 'not s' } }, 'f.yml');
    assert.equal(result.status, 'unsupported');
    assert.match(result.reason, /Sigma filter document/);
  });
});

describe('Example: rules/filters/mf_security_audit_scanner_role.yml', () => {
  const { rules, results } = compileRuleFolders([RULES_DIR]);
  const scanner = {
    type: 'AssumedRole',
    arn: 'arn:aws:sts::123456789012:assumed-role/security-audit-scanner/prowler',
    sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/security-audit-scanner', userName: 'security-audit-scanner' } },
  };
  const sameNameOtherAccount = {
    ...scanner,
    arn: 'arn:aws:sts::210987654321:assumed-role/security-audit-scanner/prowler',
    sessionContext: { sessionIssuer: { ...scanner.sessionContext.sessionIssuer, arn: 'arn:aws:iam::210987654321:role/security-audit-scanner' } },
  };
  const dump = (userIdentity: object) =>
    cloudTrailRecord({ eventSource: 'iam.amazonaws.com', eventName: 'GetAccountAuthorizationDetails', readOnly: true, userIdentity });
  const denied = (userIdentity: object) =>
    cloudTrailRecord({ eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', readOnly: true, errorCode: 'AccessDenied', userIdentity });

  it('is ok and applied to the two discovery rules it names', () => {
    const f = results.find((r) => r.file === 'filters/mf_security_audit_scanner_role.yml')!;
    assert.equal(f.status, 'ok');
    assert.equal(f.reason, "filter applied to 2 rules: 'Full IAM Configuration Downloaded', 'Enumeration Call Denied'");
  });

  it('silences the scanner role and nothing else', () => {
    const full = ruleTitled(rules, 'Full IAM Configuration Downloaded');
    const recon = ruleTitled(rules, 'Enumeration Call Denied');
    assert.equal(fires(full, dump(scanner)), false);
    assert.equal(fires(recon, denied(scanner)), false);
    assert.equal(fires(full, dump(sameNameOtherAccount)), true, 'a role of the same name in another account');
    assert.equal(fires(full, dump({ type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob', userName: 'bob' })), true);
    assert.equal(fires(recon, denied(sameNameOtherAccount)), true);
  });
});
