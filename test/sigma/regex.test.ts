/**
 * The regex policy (docs/regex-policy.md): shapes of catastrophic backtracking are rejected when a rule is
 * compiled, with a reason naming the part of the pattern; ordinary Sigma patterns pass.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REGEX_INPUT, requiredLiteral } from '../../lambda/sigma/regex.ts';
import { backtrackingRisk } from '../../lambda/sigma/regexRisk.ts';
import { compileRuleSource, evaluate, loadRule } from '../../lambda/sigma/index.ts';

describe('Function: backtrackingRisk()', () => {
  it('rejects a group repeated without bound that repeats without bound inside, naming it', () => {
    const cases: [string, string][] = [['(a+)+$', '(a+)+'], ['(.*)*x', '(.*)*'], ['(x+x+)+y', '(x+x+)+'], ['((a|b)+c)+d', '((a|b)+c)+'], ['(?:\\d{1,}\\.)+\\d', '(?:\\d{1,}\\.)+'], ['(a{1,200})*', '(a{1,200})*']];
    for (const [pattern, part] of cases) {
      assert.equal(backtrackingRisk(pattern), `nested unbounded quantifier '${part}': a group repeated without bound repeats without bound inside (exponential backtracking)`, pattern);
    }
  });

  it('rejects repeated alternatives that can start with the same character', () => {
    const cases: [string, string][] = [['(a|a)*b', "'a' and 'a'"], ['(\\w|\\d)+$', "'\\w' and '\\d'"], ['(ab|a)*c', "'ab' and 'a'"], ['(a|[ab])+', "'a' and '[ab]'"], ['(x|\\x78)*', "'x' and '\\x78'"]];
    for (const [pattern, pair] of cases) {
      assert.match(backtrackingRisk(pattern)!, new RegExp(`^overlapping alternatives in '.+': alternatives ${pair.replace(/[\\[\]()]/g, '\\$&')} can start with the same character`), pattern);
    }
  });

  it('rejects many counted iterations of a part that can match nothing', () => {
    assert.equal(backtrackingRisk('^(a?){25}a{25}$'), "counted repeat '(a?){25}' of a part that can match nothing: its iterations can share the text in exponentially many ways");
    assert.match(backtrackingRisk('(a|b?){200}')!, /^counted repeat/);
    assert.equal(backtrackingRisk('(a?){16}'), undefined);
    assert.equal(backtrackingRisk('(\\d{1,3}\\.){3}\\d{1,3}'), undefined);
  });

  it('takes the flags into account: alternatives that differ only in case overlap under i', () => {
    assert.equal(backtrackingRisk('(A|a)+'), undefined);
    assert.match(backtrackingRisk('(A|a)+', 'i')!, /^overlapping alternatives/);
  });

  it('finds the shapes inside lookarounds and escaped context, not inside character classes', () => {
    assert.match(backtrackingRisk('(?=(a|a)*)')!, /^overlapping/);
    assert.match(backtrackingRisk('\\((a|a)*')!, /^overlapping/);
    assert.equal(backtrackingRisk('[(a|a)*]'), undefined);
    assert.equal(backtrackingRisk('\\[(a|b)*\\]'), undefined);
  });

  it('rejects many counted iterations of a part of varying length, and unbounded repeats side by side', () => {
    assert.match(backtrackingRisk('(.*a){20}$')!, /^counted repeat '\(\.\*a\)\{20\}' of a part of varying length/);
    assert.match(backtrackingRisk('^(a{1,30}){1,30}$')!, /of a part of varying length/);
    assert.match(backtrackingRisk('\\w*\\w*\\w*\\w*\\w*\\w*!')!, /^3 unbounded repeats side by side/);
    assert.equal(backtrackingRisk('(\\d{1,3}\\.){3}\\d{1,3}'), undefined, 'a few counted iterations stay allowed');
    assert.equal(backtrackingRisk('.*b.*c'), undefined, 'repeats separated by a literal stay allowed');
  });

  it('accepts the patterns Sigma rules use', () => {
    for (const pattern of [
      '^arn:aws:sts::\\d{12}:assumed-role/.+$', '.+:assumed-role/aws:.+', '"AWS"\\s*:\\s*(\\[\\s*)?"(arn:aws:iam::)?\\d{12}',
      '"Effect"\\s*:\\s*"Allow"[^{}]*"Principal"\\s*:\\s*(\\{\\s*"AWS"\\s*:\\s*)?(\\[\\s*)?"\\*"', '^(Delete|Stop)(Trail|Logging)$', '(?:a|b)+',
      '(foo|bar)+', '\\bAKIA[0-9A-Z]{16}\\b', '^33[0-9]{2}$', '(?<n>a)\\k<n>', '.*x', '(a|)*', '(?:a{2}){1,500}', '\\p{L}+',
    ]) {
      assert.equal(backtrackingRisk(pattern), undefined, pattern);
    }
  });
});

describe('Function: requiredLiteral()', () => {
  it('takes the longest top-level run of literal text, one-character escapes included', () => {
    assert.equal(requiredLiteral('.+:assumed-role/aws:.+'), ':assumed-role/aws:');
    assert.equal(requiredLiteral('^arn:aws:iam::\\d+:root$'), 'arn:aws:iam::');
    assert.equal(requiredLiteral('a\\.b\\.c'), 'a.b.c');
    assert.equal(requiredLiteral('(get|put)object'), 'object');
    assert.equal(requiredLiteral('get|put'), undefined);
  });

  it('never takes the letters or digits of a longer escape as text the value must contain', () => {
    // Failing input: \x50 was read as the literal "50", so Get\x50assword never matched GetPasswordData.
    for (const [pattern, literal] of [
      ['Get\\x50assword', 'assword'],
      ['x\\u00e9t\\u00e9s', undefined],
      ['caf\\u{e9}s', 'caf'],
      ['line\\cJnext', 'line'],
      ['(ab)\\1xyz', 'xyz'],
      ['(?<n>ab)\\k<n>xyz', 'xyz'],
      ['word\\p{L}+end', 'word'],
      ['zero\\0x', 'zero'],
    ] as const) {
      assert.equal(requiredLiteral(pattern), literal, pattern);
    }
  });

  it('lets a rule with such escapes match what its regex matches', () => {
    const rule = (re: string) =>
      loadRule(compileRuleSource(`title: t\nlevel: low\nlogsource: { product: aws, service: cloudtrail }\ndetection:\n  selection:\n    eventName|re: '${re}'\n  condition: selection\n`, 'r.yml')[0]!.rule!);
    assert.equal(evaluate(rule('Get\\x50assword'), { eventName: 'GetPasswordData' }), true);
    assert.equal(evaluate(rule('(?i)Get\\x50ASSWORD'), { eventName: 'GetPasswordData' }), true);
    assert.equal(evaluate(rule('Get\\u0050assword'), { eventName: 'GetPasswordData' }), true);
    assert.equal(evaluate(rule('Get\\x50assword'), { eventName: 'GetPolicy' }), false);
  });
});

describe('Function: compileRuleSource() with a risky regex', () => {
  it('reports the rule invalid with the pattern and the reason', () => {
    const rule = `title: t\nid: 6f0f5f3c-0000-4000-8000-00000000000a\nstatus: test\nlevel: low\nlogsource: { product: aws, service: cloudtrail }\ndetection:\n  selection:\n    userAgent|re: '(?i)(a|A)+$'\n  condition: selection\n`;
    const [result] = compileRuleSource(rule, 'r.yml');
    assert.equal(result?.status, 'invalid');
    assert.match(result!.reason, /regular expression \/\(\?i\)\(a\|A\)\+\$\/ rejected: overlapping alternatives in '\(a\|A\)\+'/);
  });

  it('lets a regex see only the first 65,536 characters of a value', () => {
    const rule = `title: t\nid: 6f0f5f3c-0000-4000-8000-00000000000b\nstatus: test\nlevel: low\nlogsource: { product: aws, service: cloudtrail }\ndetection:\n  selection:\n    userAgent|re: 'x'\n  condition: selection\n`;
    const loaded = loadRule(compileRuleSource(rule, 'r.yml')[0]!.rule!);
    assert.equal(MAX_REGEX_INPUT, 65_536);
    assert.equal(evaluate(loaded, { userAgent: `${'a'.repeat(MAX_REGEX_INPUT - 1)}x` }), true);
    assert.equal(evaluate(loaded, { userAgent: `${'a'.repeat(MAX_REGEX_INPUT)}x` }), false);
  });
});
