/** Rule sources the compiler must report as invalid, never throw on. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleSource } from '../../lambda/sigma/index.ts';

const rule = (detection: string) => `title: T\nlogsource: { product: aws, service: cloudtrail }\ndetection:\n${detection}\n`;

describe('Function: compileRuleSource() on broken YAML', () => {
  it('reports an unresolved alias as invalid', () => {
    const [r] = compileRuleSource(rule('  sel: { eventName: *nowhere }\n  condition: sel'), 'alias.yml');
    assert.equal(r!.status, 'invalid');
    assert.match(r!.reason, /^YAML error/);
  });

  it('reports an alias bomb as invalid instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const source = `${bomb.join('\n')}\n${rule('  sel: { eventName: StopLogging }\n  condition: sel')}`;
    const [r] = compileRuleSource(source, 'bomb.yml');
    assert.equal(r!.status, 'invalid');
    assert.match(r!.reason, /alias/i);
  });

  it('reports a YAML syntax error with its line', () => {
    const [r] = compileRuleSource('title: T\ndetection: [unclosed\n', 'syntax.yml');
    assert.equal(r!.status, 'invalid');
    assert.match(r!.reason, /^YAML error \(line \d+\)/);
  });

  it('reports a condition nested thousands of levels deep as invalid', () => {
    const [r] = compileRuleSource(rule(`  sel: { eventName: X }\n  condition: ${'('.repeat(3000)}sel${')'.repeat(3000)}`), 'deep.yml');
    assert.equal(r!.status, 'invalid');
    assert.match(r!.reason, /nested more than 64 levels/);
    const [n] = compileRuleSource(rule(`  sel: { eventName: X }\n  condition: ${'not '.repeat(20_000)}sel`), 'nots.yml');
    assert.equal(n!.status, 'invalid');
  });

  it('reports an N of with too many combinations instead of expanding it', () => {
    const sels = Array.from({ length: 40 }, (_, i) => `  sel${i}: { eventName: E${i} }`).join('\n');
    const [r] = compileRuleSource(rule(`${sels}\n  condition: 20 of sel*`), 'combos.yml');
    assert.equal(r!.status, 'unsupported');
    assert.match(r!.reason, /20 of' over 40 identifiers/);
  });

  it('compiles a search identifier named __proto__ like any other', () => {
    const [r] = compileRuleSource(rule('  __proto__: { eventName: StopLogging }\n  condition: __proto__'), 'proto.yml');
    assert.equal(r!.status, 'ok', r!.reason);
    assert.ok(Object.hasOwn(r!.rule!.detections, '__proto__'));
  });

  it('matches an identifier pattern with many wildcards without a regex (no backtracking)', () => {
    const name = 'a'.repeat(200);
    const [r] = compileRuleSource(rule(`  ${name}: { eventName: X }\n  condition: 1 of ${'*a'.repeat(40)}*b`), 'stars.yml');
    assert.equal(r!.status, 'invalid');
    assert.match(r!.reason, /matches no search identifier/);
  });
});
