/** The CLI runs the bundle only while it is current: a rule added, changed or removed since makes it compile rules/. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lutimesSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleIsCurrent, currentBundle } from '../../cli/rulesSource.ts';
import { bundleJson, SCHEMA_VERSION } from '../../lambda/sigma/index.ts';
import { testRules } from '../alerts/matches.ts';

const root = mkdtempSync(join(tmpdir(), 'rules-source-'));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = new Date('2026-12-01T10:00:00Z');
const T1 = new Date('2026-12-01T11:00:00Z');
const T2 = new Date('2026-12-01T12:00:00Z');

/** rules/ with one rule in a subfolder, everything dated T0, and a bundle built at T1. */
function world(name: string) {
  const rules = join(root, name, 'rules');
  mkdirSync(join(rules, 'iam'), { recursive: true });
  const rule = join(rules, 'iam', 'a.yml');
  writeFileSync(rule, 'title: a\n');
  for (const p of [rule, join(rules, 'iam'), rules]) utimesSync(p, T0, T0);
  const bundle = join(root, name, 'rules.bundle.json');
  writeFileSync(bundle, '{}');
  utimesSync(bundle, T1, T1);
  return { rules, rule, bundle };
}

describe('Function: bundleIsCurrent()', () => {
  it('is current when nothing under rules/ changed since the build', () => {
    const w = world('same');
    assert.equal(bundleIsCurrent(w.bundle, w.rules), true);
  });

  it('is stale when a rule changed after the build', () => {
    const w = world('changed');
    utimesSync(w.rule, T2, T2);
    assert.equal(bundleIsCurrent(w.bundle, w.rules), false);
  });

  it('is stale when a rule was added or removed (its folder changed)', () => {
    const added = world('added');
    writeFileSync(join(added.rules, 'iam', 'b.yml'), 'title: b\n');
    assert.equal(bundleIsCurrent(added.bundle, added.rules), false);
    const removed = world('removed');
    unlinkSync(removed.rule);
    assert.equal(bundleIsCurrent(removed.bundle, removed.rules), false);
  });

  it('does not follow symbolic links: a dangling one, a loop, a link to a parent', () => {
    const w = world('links');
    for (const [name, target] of [['dangling', 'no-such-file'], ['loop', 'loop'], ['up', '..']] as const) {
      symlinkSync(target, join(w.rules, 'iam', name));
      lutimesSync(join(w.rules, 'iam', name), T0, T0);
    }
    utimesSync(join(w.rules, 'iam'), T0, T0);
    assert.equal(bundleIsCurrent(w.bundle, w.rules), true);
  });

  it('is not current when rules/ cannot be read (removed), so compiling it reports why', () => {
    const w = world('gone');
    rmSync(w.rules, { recursive: true });
    assert.equal(bundleIsCurrent(w.bundle, w.rules), false);
  });

  it('is not current when there is no bundle', () => {
    const w = world('none');
    assert.equal(bundleIsCurrent(join(root, 'none', 'missing.json'), w.rules), false);
  });
});

describe('Function: currentBundle()', () => {
  it("reads a current bundle of this build's schema", () => {
    const w = world('ok-bundle');
    writeFileSync(w.bundle, bundleJson(testRules()));
    utimesSync(w.bundle, T1, T1);
    assert.equal(currentBundle(w.bundle, w.rules)?.length, testRules().length);
  });

  it('passes over a bundle of another schema (an update pulled without npm ci), so rules/ is compiled instead', () => {
    const w = world('old-schema');
    writeFileSync(w.bundle, JSON.stringify({ ...JSON.parse(bundleJson(testRules())), schemaVersion: SCHEMA_VERSION - 1 }));
    utimesSync(w.bundle, T1, T1);
    assert.equal(currentBundle(w.bundle, w.rules), undefined);
  });
});
