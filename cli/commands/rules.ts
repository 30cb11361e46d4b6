/** `cloudtrail-sigma rules check`: compile rules and say, per YAML document, ok / unsupported / invalid and why. */
import { compileRuleFolders } from '../../lambda/sigma/index.ts';
import type { RuleCheckResult } from '../../lambda/sigma/index.ts';
import { BUNDLED_RULES_DIR } from '../rulesSource.ts';
import { Reporter } from '../output.ts';
import { EXIT } from '../exitCodes.ts';
import { existsSync } from 'node:fs';

export const CHECK_FORMATS = ['text', 'jsonl'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface RulesCheckOptions {
  /** @default [] - the project's rules/ */
  readonly rules: readonly string[];
  /** @default 'text' */
  readonly format: CheckFormat;
}

const jsonl = (r: RuleCheckResult) => JSON.stringify({ file: r.file, id: r.id, title: r.title, status: r.status, reason: r.reason });
const text = (r: RuleCheckResult) => `${r.status.padEnd(11)} ${r.file}${r.title ? ` (${r.title})` : ''}${r.reason ? `: ${r.reason}` : ''}`;

export async function rulesCheck(opts: RulesCheckOptions): Promise<number> {
  const folders = opts.rules.length ? opts.rules : [BUNDLED_RULES_DIR];
  const reporter = new Reporter();
  const missing = folders.filter((f) => !existsSync(f));
  if (missing.length) {
    for (const f of missing) reporter.warn(`rules folder not found: ${f}`);
    return EXIT.USAGE;
  }
  const { results } = compileRuleFolders(folders);
  for (const r of results) await reporter.data(opts.format === 'jsonl' ? jsonl(r) : text(r));
  const count = (s: string) => results.filter((r) => r.status === s).length;
  reporter.summary([`rules: ${results.length} documents: ${count('ok')} ok, ${count('unsupported')} unsupported, ${count('invalid')} invalid`]);
  return results.every((r) => r.status === 'ok') ? EXIT.OK : EXIT.INPUTS_FAILED;
}
