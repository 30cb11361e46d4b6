/**
 * Compiles rules/ into build/rules.bundle.json, the bundle the CLI reads by default. Fails (exit 1) naming the
 * file, the place and the reason when any rule is invalid or unsupported: the shipped pack must be clean.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleJson, compileRuleFolders } from '../lambda/sigma/index.ts';
import { BUNDLE_PATH, BUNDLED_RULES_DIR } from '../cli/rulesSource.ts';

const { rules, results } = compileRuleFolders([BUNDLED_RULES_DIR]);
const bad = results.filter((r) => r.status !== 'ok');
for (const r of bad) console.error(`rules/${r.file}: ${r.status}: ${r.reason}`);
if (bad.length > 0) {
  console.error(`build:rules: ${bad.length} rule(s) failed to compile`);
  process.exit(1);
}
mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
writeFileSync(BUNDLE_PATH, bundleJson(rules));
console.error(`build:rules: ${rules.length} rules → build/rules.bundle.json`);
