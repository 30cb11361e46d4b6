/** Compiles the Sigma rule folders at synth into the JSON bundle the handler loads at cold start. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bundleJson, compileRuleFolders, type RuleCheckResult } from '../lambda/sigma/index.ts';
import { RULES_BUNDLE_FILE } from './defaults.ts';

type RuleProblem = Pick<RuleCheckResult, 'file' | 'reason'>;

/** Synth stops on invalid rules: a detector silently missing a rule is worse than a failed deploy. */
export class InvalidRulesError extends Error {
  readonly invalid: readonly RuleProblem[];
  constructor(invalid: readonly RuleProblem[]) {
    super(`${invalid.length} invalid Sigma rule(s); fix or remove them:\n${invalid.map((r) => `- ${r.file}: ${r.reason}`).join('\n')}`);
    this.name = 'InvalidRulesError';
    this.invalid = invalid;
  }
}

export interface CompiledRulesFile {
  /** The bundle, in a private temporary folder. */
  readonly path: string;
  readonly ruleCount: number;
  /** Valid rules using a feature the engine does not run; left out of the bundle. */
  readonly unsupported: readonly RuleCheckResult[];
  /** Removes the temporary folder once the asset has been bundled. */
  readonly dispose: () => void;
}

/** Compiles every folder; result files are shown with their folder so an error names the file to fix. */
export function compileRulesFile(folders: readonly string[]): CompiledRulesFile {
  const rules = [];
  const results: RuleCheckResult[] = [];
  for (const folder of folders) {
    const compiled = compileRuleFolders([folder]);
    rules.push(...compiled.rules);
    const shown = relative(process.cwd(), folder) || '.';
    results.push(...compiled.results.map((r) => ({ ...r, file: join(shown, r.file) })));
  }
  const invalid = results.filter((r) => r.status === 'invalid');
  if (invalid.length > 0) throw new InvalidRulesError(invalid);
  if (rules.length === 0) throw new InvalidRulesError([{ file: folders.join(', '), reason: 'no rule compiled: the detector would never alert' }]);

  const dir = mkdtempSync(join(tmpdir(), 'cloudtrail-sigma-rules-'));
  const path = join(dir, RULES_BUNDLE_FILE);
  writeFileSync(path, bundleJson(rules));
  return {
    path,
    ruleCount: rules.length,
    unsupported: results.filter((r) => r.status === 'unsupported'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
