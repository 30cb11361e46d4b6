/**
 * The catalog's data, computed once from the loaded rules: per rule its page, ATT&CK coverage, API calls and
 * indicators (with how many other rules share each); across rules the tactic × technique matrix and the rules per
 * API call. The HTML pages and the Navigator layer only read this.
 */
import type { CompiledFilter, CompiledRule } from '../../lambda/sigma/index.ts';
import { attackOf, tacticOrder } from './attack.ts';
import type { Tactic } from './attack.ts';
import { polarities, predicateGroups } from './describe.ts';
import type { Polarity, Predicate } from './describe.ts';
import type { ShowValue } from './displayCase.ts';
import { eventNamesOf } from './eventNames.ts';
import type { EventNames } from './eventNames.ts';

export interface Indicator extends Predicate {
  /** The search identifier it belongs to (a filter's are named `<filter file>:<name>`). */
  readonly search: string;
  /** Whether the condition needs the search to match, to not match, or both. */
  readonly role: Polarity;
  /** How many other loaded rules test the same field with the same operator and values. */
  readonly sharedWith: number;
}

export interface CatalogRule {
  readonly rule: CompiledRule;
  /** Path of its page, relative to the catalog folder. */
  readonly page: string;
  readonly tactics: readonly Tactic[];
  readonly techniques: readonly string[];
  readonly eventNames: EventNames;
  readonly indicators: readonly Indicator[];
  /** Filters the compiler applied to this rule. */
  readonly filters: readonly CompiledFilter[];
}

export interface MatrixColumn {
  readonly tactic: Tactic;
  readonly techniques: readonly { id: string; rules: readonly CatalogRule[] }[];
}

export interface Catalog {
  readonly rules: readonly CatalogRule[];
  /** Lower-cased eventName → rules that watch it. */
  readonly byEventName: ReadonlyMap<string, readonly CatalogRule[]>;
  /** Technique id → rules tagged with it, techniques sorted by id. */
  readonly byTechnique: ReadonlyMap<string, readonly CatalogRule[]>;
  /** Tactics whose rules name techniques, in kill-chain order, each with those techniques. */
  readonly matrix: readonly MatrixColumn[];
  readonly filters: readonly CompiledFilter[];
}

/** `discovery/aws_x.yml#1` → `discovery-aws_x-1`: safe in a file name and an href. */
function slug(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml(?=#|$)/i, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'rule';
}

function pageNames(rules: readonly CompiledRule[]): string[] {
  const used = new Set<string>();
  return rules.map((r) => {
    const base = slug(r.ruleFile);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return `rules/${name}.html`;
  });
}

interface RawIndicator extends Predicate {
  readonly search: string;
  readonly role: Polarity;
  readonly key: string;
}

function rawIndicators(rule: CompiledRule): RawIndicator[] {
  const roles = polarities(rule.condition);
  return Object.entries(rule.detections).flatMap(([search, d]) =>
    predicateGroups(d).flat().map((p) => ({
      ...p,
      search,
      role: roles.get(search) ?? 'match',
      key: JSON.stringify([p.field, p.operator, [...p.values].sort()]),
    })),
  );
}

function groupBy<T>(pairs: readonly (readonly [string, T])[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const [k, v] of pairs) {
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/** `show` restores the written case of compiled values (see displayCase.ts). */
export function buildCatalog(rules: readonly CompiledRule[], filters: readonly CompiledFilter[], show: ShowValue): Catalog {
  const pages = pageNames(rules);
  const raw = rules.map(rawIndicators);
  const users = new Map<string, Set<number>>();
  raw.forEach((list, i) => list.forEach((ind) => users.set(ind.key, (users.get(ind.key) ?? new Set()).add(i))));

  const catalogRules: CatalogRule[] = rules.map((rule, i) => {
    const names = new Set(Object.keys(rule.detections));
    return {
      rule,
      page: pages[i]!,
      ...attackOf(rule.meta.tags),
      eventNames: eventNamesOf(rule, show),
      indicators: raw[i]!.map(({ key, ...ind }) => ({ ...ind, sharedWith: users.get(key)!.size - 1 })),
      filters: filters.filter((f) => [...names].some((n) => n.startsWith(`${f.ruleFile}:`))),
    };
  });

  const byEventName = groupBy(catalogRules.flatMap((r) => r.eventNames.exact.map((e) => [e, r] as const)));
  const byTechnique = new Map(
    [...groupBy(catalogRules.flatMap((r) => r.techniques.map((t) => [t, r] as const)))].sort(([a], [b]) => a.localeCompare(b)),
  );
  const tactics = new Map(catalogRules.flatMap((r) => r.tactics.map((t) => [t.shortName, t] as const)));
  const matrix = [...tactics.values()].sort(tacticOrder).map((tactic) => ({
    tactic,
    techniques: [...byTechnique]
      .map(([id, list]) => ({ id, rules: list.filter((r) => r.tactics.some((t) => t.shortName === tactic.shortName)) }))
      .filter((t) => t.rules.length > 0),
  })).filter((c) => c.techniques.length > 0);

  return { rules: catalogRules, byEventName, byTechnique, matrix, filters };
}
