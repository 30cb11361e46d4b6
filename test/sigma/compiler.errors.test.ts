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
});
