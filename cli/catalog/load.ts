/** Compiles rule folders (filters applied) into the catalog the list, report and navigator commands read. */
import { compileRuleFolders } from '../../lambda/sigma/index.ts';
import type { RuleCheckResult } from '../../lambda/sigma/index.ts';
import { buildCatalog } from './model.ts';
import type { Catalog } from './model.ts';
import { displayCase } from './displayCase.ts';
import type { ShowValue } from './displayCase.ts';

export interface LoadedCatalog {
  readonly catalog: Catalog;
  /** Restores the written case of compiled values for display. */
  readonly show: ShowValue;
  /** Documents that are not `ok` (rules and filters), left out of the catalog. */
  readonly problems: readonly RuleCheckResult[];
}

export function loadCatalog(folders: readonly string[]): LoadedCatalog {
  const { rules, results } = compileRuleFolders(folders);
  const filters = results.flatMap((r) => (r.status === 'ok' && r.filter ? [r.filter] : []));
  const show = displayCase(folders);
  return {
    catalog: buildCatalog(rules, filters, show),
    show,
    problems: results.filter((r) => r.status !== 'ok'),
  };
}
