/**
 * Which rules a command runs: the bundled ones (built from the project's rules/ by `npm run build:rules`), or
 * the Sigma YAML under each `--rules DIR`, compiled now.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { compileRuleFolders, parseBundle, RuleBundleError } from '../lambda/sigma/index.ts';
import type { CompiledRule, Placeholders, RuleCheckResult } from '../lambda/sigma/index.ts';
import { UsageError } from './exitCodes.ts';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLED_RULES_DIR = join(PROJECT_ROOT, 'rules');
export const BUNDLE_PATH = join(PROJECT_ROOT, 'build', 'rules.bundle.json');

export interface RuleSelection {
  readonly rules: CompiledRule[];
  /** Compile results that are not `ok` (only for --rules folders; the bundle holds only ok rules). */
  readonly problems: RuleCheckResult[];
}

/**
 * Values for the `expand` modifier's `%name%` placeholders, from a YAML file of `name: value` or `name: [values]`
 * (`--placeholders FILE`).
 */
export function readPlaceholders(path: string): Placeholders {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read --placeholders ${path}: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`--placeholders ${path} must be a map of placeholder names to values`);
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(doc)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => v === null || typeof v === 'object')) throw new UsageError(`--placeholders ${path}: ${name} must be a value or a list of values`);
    out[name] = values.map(String);
  }
  return out;
}

/** The folders given, or the project's rules/ when none is; a folder that does not exist is a usage error. */
export function ruleFolders(folders: readonly string[]): string[] {
  const chosen = folders.length ? [...folders] : [BUNDLED_RULES_DIR];
  const missing = chosen.filter((f) => !existsSync(f));
  if (missing.length) throw new UsageError(missing.map((f) => `rules folder not found: ${f}`).join('; '));
  return chosen;
}

/** The newest modification under `dir`, the folder itself included; symbolic links are not followed. */
function newestChange(dir: string): number {
  let newest = lstatSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : lstatSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether the bundle at `bundlePath` was built after the last change under `rulesDir`: no file, link or folder (a
 * rule added or removed changes its folder) is newer. A missing bundle, or a tree that cannot be read, is not
 * current: compiling the folder then reports what is wrong with it.
 */
export function bundleIsCurrent(bundlePath: string, rulesDir: string): boolean {
  try {
    return existsSync(bundlePath) && newestChange(rulesDir) <= statSync(bundlePath).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * The rules of the bundle at `bundlePath` while it is current for `rulesDir` and of this build's schema (an update
 * pulled without `npm ci` leaves one of another), else undefined: compile `rulesDir` instead, same rules.
 */
export function currentBundle(bundlePath: string, rulesDir: string): CompiledRule[] | undefined {
  if (!bundleIsCurrent(bundlePath, rulesDir)) return undefined;
  try {
    return [...parseBundle(readFileSync(bundlePath, 'utf8'), bundlePath).rules];
  } catch (err) {
    if (err instanceof RuleBundleError) return undefined;
    throw err;
  }
}

/**
 * The bundle when no folder is given, else the folders. rules/ is compiled instead of the bundle when the bundle
 * is missing, older than a change to rules/ (a rule just added runs without `npm run build:rules`) or of another
 * schema, or when placeholders are given.
 */
export function selectRules(folders: readonly string[], placeholders?: Placeholders): RuleSelection {
  if (folders.length === 0) {
    if (placeholders) return selectRules([BUNDLED_RULES_DIR], placeholders);
    const bundled = currentBundle(BUNDLE_PATH, BUNDLED_RULES_DIR);
    if (bundled) return { rules: bundled, problems: [] };
    folders = [BUNDLED_RULES_DIR];
  }
  const { rules, results } = compileRuleFolders(ruleFolders(folders), placeholders ? { placeholders } : {});
  return { rules, problems: results.filter((r) => r.status !== 'ok') };
}
