/**
 * `cloudtrail-sigma rules …`: `check` compiles rules and says, per YAML document, ok / unsupported / invalid and
 * why; `list`, `report` and `navigator` describe the loaded rules (filters applied) as a list, a static HTML
 * catalog and an ATT&CK Navigator layer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileRuleFolders } from '../../lambda/sigma/index.ts';
import type { RuleCheckResult, Placeholders } from '../../lambda/sigma/index.ts';
import { ruleFolders } from '../rulesSource.ts';
import { Reporter } from '../output.ts';
import { EXIT } from '../exitCodes.ts';
import { loadCatalog } from '../catalog/load.ts';
import type { LoadedCatalog } from '../catalog/load.ts';
import { listHeader, listLine } from '../catalog/listing.ts';
import type { ListFormat } from '../catalog/listing.ts';
import { writeReport } from '../catalog/writeReport.ts';
import { navigatorLayer } from '../catalog/navigator.ts';

export { LIST_FORMATS } from '../catalog/listing.ts';
export type { ListFormat } from '../catalog/listing.ts';

export const CHECK_FORMATS = ['text', 'jsonl'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface RulesCheckOptions {
  /** @default [] - the project's rules/ */
  readonly rules: readonly string[];
  /** @default 'text' */
  readonly format: CheckFormat;
  /** Values for `expand` placeholders. @default undefined - rules using expand are unsupported */
  readonly placeholders?: Placeholders;
}

export interface RulesListOptions {
  /** @default [] - the project's rules/ */
  readonly rules: readonly string[];
  /** @default 'table' */
  readonly format: ListFormat;
}

export interface RulesReportOptions {
  /** @default [] - the project's rules/ */
  readonly rules: readonly string[];
  /** Folder the catalog is written to (created if missing). */
  readonly out: string;
}

export interface RulesNavigatorOptions {
  /** @default [] - the project's rules/ */
  readonly rules: readonly string[];
  /** @default - the layer JSON is written to stdout */
  readonly out?: string;
}

const jsonl = (r: RuleCheckResult) => JSON.stringify({ file: r.file, id: r.id, title: r.title, status: r.status, reason: r.reason });
const text = (r: RuleCheckResult) => `${r.status.padEnd(11)} ${r.file}${r.title ? ` (${r.title})` : ''}${r.reason ? `: ${r.reason}` : ''}`;

export async function rulesCheck(opts: RulesCheckOptions): Promise<number> {
  const reporter = new Reporter();
  const { results } = compileRuleFolders(ruleFolders(opts.rules), opts.placeholders ? { placeholders: opts.placeholders } : {});
  for (const r of results) await reporter.data(opts.format === 'jsonl' ? jsonl(r) : text(r));
  const count = (s: string) => results.filter((r) => r.status === s).length;
  reporter.summary([`rules: ${results.length} documents: ${count('ok')} ok, ${count('unsupported')} unsupported, ${count('invalid')} invalid`]);
  return results.every((r) => r.status === 'ok') ? EXIT.OK : EXIT.INPUTS_FAILED;
}

/** Compiles the folders into the catalog; documents that are not ok are named on stderr and left out. */
function catalogFor(rules: readonly string[], reporter: Reporter): LoadedCatalog {
  const loaded = loadCatalog(ruleFolders(rules));
  for (const p of loaded.problems) reporter.warn(`left out ${p.file}: ${p.status}: ${p.reason}`);
  return loaded;
}

export async function rulesList(opts: RulesListOptions): Promise<number> {
  const reporter = new Reporter();
  const loaded = catalogFor(opts.rules, reporter);
  if (opts.format === 'table') await reporter.data(listHeader());
  for (const r of loaded.catalog.rules) await reporter.data(listLine(r, loaded.show, opts.format));
  reporter.summary([`rules: ${loaded.catalog.rules.length} listed`]);
  return EXIT.OK;
}

export function rulesReport(opts: RulesReportOptions): number {
  const reporter = new Reporter();
  const loaded = catalogFor(opts.rules, reporter);
  const written = writeReport(loaded.catalog, loaded.show, opts.out);
  reporter.summary([`rules report: ${written.length} pages (${loaded.catalog.rules.length} rules) → ${join(opts.out, 'index.html')}`]);
  return EXIT.OK;
}

export async function rulesNavigator(opts: RulesNavigatorOptions): Promise<number> {
  const reporter = new Reporter();
  const loaded = catalogFor(opts.rules, reporter);
  const layer = navigatorLayer(loaded.catalog);
  const json = JSON.stringify(layer, null, 2);
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, `${json}\n`);
  } else {
    await reporter.data(json);
  }
  reporter.summary([`rules navigator: ${layer.techniques.length} techniques from ${loaded.catalog.rules.length} rules${opts.out ? ` → ${opts.out}` : ''}`]);
  return EXIT.OK;
}
