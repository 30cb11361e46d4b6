/**
 * Which rules a command runs: the bundled ones (built from the project's rules/ by `npm run build:rules`), or
 * the Sigma YAML under each `--rules DIR`, compiled now.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRuleFolders, parseBundle } from '../lambda/sigma/index.ts';
import type { CompiledRule, RuleCheckResult } from '../lambda/sigma/index.ts';
import { UsageError } from './exitCodes.ts';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLED_RULES_DIR = join(PROJECT_ROOT, 'rules');
export const BUNDLE_PATH = join(PROJECT_ROOT, 'build', 'rules.bundle.json');

export interface RuleSelection {
  readonly rules: CompiledRule[];
  /** Compile results that are not `ok` (only for --rules folders; the bundle holds only ok rules). */
  readonly problems: RuleCheckResult[];
}

/** The bundle when no folder is given (compiling rules/ if the bundle was never built), else the folders. */
export function selectRules(folders: readonly string[]): RuleSelection {
  if (folders.length === 0) {
    if (existsSync(BUNDLE_PATH)) return { rules: [...parseBundle(readFileSync(BUNDLE_PATH, 'utf8'), BUNDLE_PATH).rules], problems: [] };
    folders = [BUNDLED_RULES_DIR];
  }
  for (const f of folders) {
    if (!existsSync(f)) throw new UsageError(`rules folder not found: ${f}`);
  }
  const { rules, results } = compileRuleFolders(folders);
  return { rules, problems: results.filter((r) => r.status !== 'ok') };
}
