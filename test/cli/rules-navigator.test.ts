import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleFolders } from '../../lambda/sigma/index.ts';
import { runCli } from '../helpers/cli.ts';

interface Layer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: string;
  techniques: { techniqueID: string; score: number; comment: string; tactic?: string }[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
}

const rule = (title: string, tags: string) =>
  `title: ${title}\nlevel: medium\ntags: [${tags}]\nlogsource: { product: aws, service: cloudtrail }\ndetection: { sel: { eventName: X }, condition: sel }\n`;

describe('CLI: rules navigator', () => {
  it('writes a layer 4.5 file scoring every technique of the bundled rules by its number of rules', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ct-sigma-nav-')), 'sub', 'layer.json');
    const run = await runCli(['rules', 'navigator', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const layer = JSON.parse(readFileSync(out, 'utf8')) as Layer;
    assert.equal(layer.versions.layer, '4.5');
    assert.match(layer.versions.navigator, /^5\.\d+\.\d+$/);
    assert.match(layer.versions.attack, /^\d+$/);
    assert.equal(layer.domain, 'enterprise-attack');

    const { rules } = compileRuleFolders([join(import.meta.dirname, '../../rules')]);
    const expected = new Map<string, string[]>();
    for (const r of rules) {
      for (const t of r.meta.tags.filter((x) => /^attack\.t\d{4}(\.\d{3})?$/.test(x))) {
        const id = t.slice('attack.'.length).toUpperCase();
        expected.set(id, [...(expected.get(id) ?? []), r.meta.title]);
      }
    }
    assert.equal(layer.techniques.length, expected.size);
    for (const t of layer.techniques) {
      const titles = expected.get(t.techniqueID);
      assert.ok(titles, `unexpected ${t.techniqueID}`);
      assert.equal(t.score, titles.length, t.techniqueID);
      assert.equal(t.comment, titles.join('; '));
      assert.equal(t.tactic, undefined, 'no tactic: Navigator places the technique under its own tactics');
    }
    const max = Math.max(...layer.techniques.map((t) => t.score));
    assert.deepEqual([layer.gradient.minValue, layer.gradient.maxValue], [1, max]);
    assert.deepEqual(layer.legendItems.map((l) => l.label), ['1 rule', `${max} rules`]);
    assert.match(run.stderr, new RegExp(`rules navigator: ${expected.size} techniques from ${rules.length} rules`));
  });

  it('prints the layer on stdout without --out, keeping a gradient when every technique has one rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-sigma-nav-rules-'));
    writeFileSync(join(dir, 'a.yml'), rule('Key Made', 'attack.persistence, attack.t1098.001'));
    writeFileSync(join(dir, 'b.yml'), rule('Trail Stopped', 'attack.defense-evasion, attack.T1562.008'));
    const run = await runCli(['rules', 'navigator', '--rules', dir]);
    assert.equal(run.status, 0, run.stderr);
    const layer = JSON.parse(run.stdout) as Layer;
    assert.deepEqual(layer.techniques.map((t) => [t.techniqueID, t.score, t.comment]), [['T1098.001', 1, 'Key Made'], ['T1562.008', 1, 'Trail Stopped']]);
    assert.ok(layer.gradient.maxValue > layer.gradient.minValue);
    assert.deepEqual(layer.legendItems.map((l) => l.label), ['1 rule']);
  });
});
