/**
 * `rules report` checked structurally (CI has no browser; scripts/check-report.ts renders it in Chromium): the
 * pages exist, every link resolves inside the folder, rule text is escaped, and the index and rule pages carry the
 * matrix, API-call neighbours, stages and indicator counts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleFolders } from '../../lambda/sigma/index.ts';
import { brokenLinks, htmlFiles } from '../../cli/catalog/links.ts';
import { runCli } from '../helpers/cli.ts';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function ruleFolder(files: Record<string, string>): string {
  const dir = tmp('ct-sigma-report-rules-');
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

const LOGIN = `title: Console Login Without MFA
id: 00000000-0000-4000-8000-00000000000a
status: test
level: medium
description: A console sign-in without MFA.
author: test team
references: [ 'https://docs.aws.amazon.com/' ]
falsepositives: [ Break-glass users ]
tags: [ attack.initial-access, attack.t1078.004 ]
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventSource: signin.amazonaws.com, eventName: ConsoleLogin, additionalEventData.MFAUsed: 'No' }
  condition: selection
`;

const FAILED = `title: Console Login Failed
id: 00000000-0000-4000-8000-00000000000b
level: low
tags: [ attack.initial-access, attack.credential-access, attack.t1078.004, attack.t1110 ]
logsource: { product: aws, service: cloudtrail }
detection:
  sel: { eventSource: signin.amazonaws.com, eventName: ConsoleLogin }
  ok: { responseElements.ConsoleLogin: Success }
  mfa: { additionalEventData.MFAUsed: 'Yes' }
  condition: sel and not (ok or mfa)
`;

const HOSTILE = `title: <script>alert(1)</script> Evil
id: '"><svg onload=alert(4)>'
level: high
description: '"><img src=x onerror=alert(2)>'
author: '</dd><b>bold'
references: [ 'javascript:alert(3)' ]
falsepositives: [ '<iframe src=//evil.example>' ]
tags: [ attack.impact, attack.t1485, 'attack.<u>x' ]
logsource: { product: aws, service: cloudtrail }
detection:
  'sel<i>': { eventName: '<b>Delete</b>', 'requestParameters.<em>': '</code><script>x</script>' }
  condition: 'sel<i>'
`;

const FILTER = `title: Break-glass role excluded
logsource: { product: aws, service: cloudtrail }
filter:
  rules: [ 00000000-0000-4000-8000-00000000000a ]
  selection: { userIdentity.arn|endswith: ':role/break-glass' }
  condition: not selection
`;

const read = (dir: string, page: string) => readFileSync(join(dir, page), 'utf8');

async function report(rulesDir?: string): Promise<string> {
  const out = tmp('ct-sigma-report-out-');
  const run = await runCli(['rules', 'report', '--out', out, ...(rulesDir ? ['--rules', rulesDir] : [])]);
  assert.equal(run.status, 0, run.stderr);
  return out;
}

/** The rule page linked from the index under this title. */
function pageOf(out: string, title: string): string {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const href = new RegExp(`<a href="(rules/[^"]+)">${escaped}</a>`).exec(read(out, 'index.html'))?.[1];
  assert.ok(href, `no link to '${title}' on the index`);
  return href;
}

describe('CLI: rules report', () => {
  it('writes an index and one page per bundled rule, every link resolving inside the folder', async () => {
    const out = await report();
    const { rules } = compileRuleFolders([join(import.meta.dirname, '../../rules')]);
    const pages = htmlFiles(out);
    assert.equal(pages.length, rules.length + 1);
    assert.ok(pages.includes('index.html'));
    assert.deepEqual(brokenLinks(out), []);
    for (const page of pages) {
      const html = read(out, page);
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/, page);
      assert.doesNotMatch(html, /<script|<link |<img|src=/i, page);
    }
  });

  it('draws the tactic × technique matrix and lists each technique with its rules', async () => {
    const out = await report(ruleFolder({ 'login.yml': LOGIN, 'failed.yml': FAILED, 'hostile.yml': HOSTILE }));
    const index = read(out, 'index.html');
    const tactics = [...index.matchAll(/<th id="tactic-([a-z-]+)">/g)].map((m) => m[1]);
    assert.deepEqual(tactics, ['initial-access', 'credential-access', 'impact'], 'kill-chain order, only tactics with rules');
    assert.match(index, /<td class="heat-2"><a href="#T1078\.004">T1078\.004<\/a><span class="name">Valid Accounts: Cloud Accounts<\/span><span class="count">2 rules<\/span><\/td>/);
    assert.match(index, /<h3 id="T1110">T1110 Brute Force/);
    assert.match(index, /No rule yet for: Reconnaissance, Resource Development/);
    assert.match(index, /3 rules · 3 ATT&amp;CK techniques · 3 tactics · 0 filters/);
  });

  it('escapes rule text everywhere and never puts it in a link', async () => {
    const out = await report(ruleFolder({ 'hostile.yml': HOSTILE, 'login.yml': LOGIN }));
    assert.deepEqual(brokenLinks(out), []);
    const page = pageOf(out, '&lt;script&gt;alert(1)&lt;/script&gt; Evil');
    for (const html of [read(out, 'index.html'), read(out, page)]) {
      assert.doesNotMatch(html, /<script|<img|<svg|<iframe|<b>|<u>|<em>|<i>|javascript:alert\(3\)"/);
    }
    const html = read(out, page);
    assert.match(html, /<h1>&lt;script&gt;alert\(1\)&lt;\/script&gt; Evil<\/h1>/);
    assert.match(html, /&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
    assert.match(html, /&lt;\/dd&gt;&lt;b&gt;bold/);
    assert.match(html, /<code>javascript:alert\(3\)<\/code>/, 'references are shown as text');
    assert.match(html, /<code>&lt;\/code&gt;&lt;script&gt;x&lt;\/script&gt;<\/code>/);
    assert.match(html, /<code>sel&lt;i&gt;<\/code>/);
  });

  it('shows the other rules on the same API call, the stages and the indicator table with shared counts', async () => {
    const out = await report(ruleFolder({ 'login.yml': LOGIN, 'failed.yml': FAILED, 'mf_break_glass.yml': FILTER }));
    const failedPage = pageOf(out, 'Console Login Failed');
    const loginPage = pageOf(out, 'Console Login Without MFA');
    const failed = read(out, failedPage);
    const login = read(out, loginPage);

    assert.match(failed, new RegExp(`<td><code>ConsoleLogin</code></td><td><span class="pill"><a href="${loginPage.slice('rules/'.length)}">Console Login Without MFA</a>`));
    assert.match(failed, /Condition: <code>sel and not \(ok or mfa\)<\/code>/);
    assert.match(failed, /Stage 2: <code>not \(ok or mfa\)<\/code><\/div><span class="op">ALL OF<\/span><ul class="logic"><li><code>ok<\/code> <span class="must-not">must not match<\/span>/);
    // eventSource and eventName tests are shared by both rules; the MFA test differs (Yes vs No).
    const rows = [...failed.matchAll(/<tr><td><code>[^<]*<\/code><\/td><td>.*?<\/td><td class="field">([^<]+)<\/td><td>([^<]+)<\/td><td>(.*?)<\/td><td>(\d+)<\/td><\/tr>/g)]
      .map((m) => [m[1], m[2], m[4]]);
    assert.deepEqual(rows, [
      ['eventSource', 'equals', '1'], ['eventName', 'equals', '1'], ['responseElements.ConsoleLogin', 'equals', '0'],
      ['additionalEventData.MFAUsed', 'equals', '0'],
    ]);
    assert.match(failed, /<td><span class="must-not">exclude<\/span><\/td><td class="field">additionalEventData\.MFAUsed/);

    assert.match(login, /<h2 id="filters">Tuning filters applied<\/h2>/);
    assert.match(login, /<code>mf_break_glass\.yml:selection<\/code> <span class="must-not">must not match<\/span>/);
    assert.match(read(out, 'index.html'), /<td>Break-glass role excluded<\/td><td><code>mf_break_glass\.yml<\/code><\/td><td><a href="rules\//);
  });

  it('exits 2 without --out', async () => {
    const run = await runCli(['rules', 'report']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /rules report needs --out DIR/);
  });
});

describe('Function: brokenLinks()', () => {
  it('names missing files, missing anchors and links that leave the folder', () => {
    const dir = tmp('ct-sigma-links-');
    writeFileSync(join(dir, 'index.html'), '<h1 id="top">x</h1><a href="#top">ok</a><a href="#gone">a</a><a href="nope.html">b</a><a href="https://example.com/">c</a><a href="../x.html">d</a>');
    assert.deepEqual(brokenLinks(dir), [
      "index.html: #gone (no element with id 'gone')",
      'index.html: nope.html (no such file)',
      'index.html: https://example.com/ (leaves the catalog)',
      'index.html: ../x.html (outside the folder)',
    ]);
  });
});
