/**
 * Sigma filter documents (Sigma filters specification v2): tuning kept apart from the rules it tunes. A filter
 * names rules by id or title (or `any`/`all`: every rule its log source covers) and carries its own search
 * identifiers and one condition. The compiler ANDs that condition onto each named rule, as pySigma and rsigma do,
 * with no implicit negation: a filter excludes with `condition: not selection`.
 *
 *   filter documents ──compiler.ts──▶ CompiledFilter ──applyFilters──▶ CompiledRule (condition: rule and filter)
 *
 * Filters exist only at compile time: the bundle holds the tuned rules, so the IR and the evaluator are unchanged.
 */
import type { CompiledRule, Condition, Detection } from './ir.ts';
import type { RuleCheckResult } from './compiler.ts';
import { RuleCompileError } from './errors.ts';

export interface CompiledFilter {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly logsource: Readonly<Record<string, string>>;
  /** Rule ids or titles the filter names, or `all` for every loaded rule its log source covers. */
  readonly rules: readonly string[] | 'all';
  /** The filter's YAML path relative to its folder, `#N` for the N-th document. */
  readonly ruleFile: string;
  readonly detections: Readonly<Record<string, Detection>>;
  readonly condition: Condition;
}

/** Keys of the `filter` section that are not search identifiers. */
export const FILTER_RESERVED_KEYS = ['rules'] as const;

const LOGSOURCE_KEYS = ['category', 'product', 'service'] as const;
const SHOWN_TITLES = 5;

/** A plain YAML map (numbers arrive as RuleNumber objects, which are not maps). */
const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** A document with a `filter` section and no `detection` section (a rule may still use `filter` as a field name). */
export function isFilterDocument(doc: unknown): boolean {
  return isMap(doc) && 'filter' in doc && !('detection' in doc);
}

/**
 * Checks the `filter` section's own keys and returns the rules it names and the section (whose other keys are
 * search identifiers). Throws RuleCompileError naming the place.
 */
export function readFilterSection(section: unknown): { rules: readonly string[] | 'all'; section: Record<string, unknown> } {
  if (!isMap(section)) throw new RuleCompileError('filter must be a map', ['filter']);
  if (!('rules' in section)) throw new RuleCompileError("filter has no 'rules': name rule ids or titles, or write 'any'", ['filter']);
  if (typeof section.condition !== 'string') {
    throw new RuleCompileError('a filter has exactly one condition, written as a string', ['filter', 'condition']);
  }
  return { rules: readRuleReferences(section.rules), section };
}

function readRuleReferences(raw: unknown): readonly string[] | 'all' {
  const path = ['filter', 'rules'];
  if (typeof raw === 'string') return ['any', 'all'].includes(raw.trim().toLowerCase()) ? 'all' : [raw.trim()];
  if (!Array.isArray(raw)) throw new RuleCompileError("filter rules must be 'any', a rule id or title, or a list of them", path);
  // An empty list applies to every rule of the log source, as in pySigma.
  if (raw.length === 0) return 'all';
  return raw.map((r, i) => {
    if (typeof r !== 'string' || !r.trim()) throw new RuleCompileError('a filter rule reference must be a rule id or title', [...path, i]);
    return r.trim();
  });
}

/** Every category/product/service the filter sets must be the rule's (pySigma's log source containment). */
function covers(filter: CompiledFilter, rule: CompiledRule): boolean {
  return LOGSOURCE_KEYS.every((k) => {
    const want = filter.logsource[k];
    return !want || want.toLowerCase() === (rule.meta.logsource[k] ?? '').toLowerCase();
  });
}

const describeLogsource = (ls: Readonly<Record<string, string>>) =>
  LOGSOURCE_KEYS.filter((k) => ls[k]).map((k) => `${k}: ${ls[k]}`).join(', ') || '(any)';

/** Rules a filter applies to, or the reason it cannot be applied. */
function resolve(filter: CompiledFilter, rules: readonly CompiledRule[]): { targets: CompiledRule[] } | { problem: string } {
  if (filter.rules === 'all') {
    const targets = rules.filter((r) => covers(filter, r));
    return targets.length ? { targets } : { problem: `its log source (${describeLogsource(filter.logsource)}) covers no loaded rule` };
  }
  const targets = new Set<CompiledRule>();
  const missing: string[] = [];
  const outside: string[] = [];
  for (const ref of filter.rules) {
    const key = ref.toLowerCase();
    const named = rules.filter((r) => r.meta.id.toLowerCase() === key || r.meta.title.toLowerCase() === key);
    if (named.length === 0) missing.push(`'${ref}'`);
    for (const r of named) {
      if (covers(filter, r)) targets.add(r);
      else outside.push(`'${r.meta.title}' (${r.ruleFile}, ${describeLogsource(r.meta.logsource)})`);
    }
  }
  if (missing.length) return { problem: `filter.rules names no loaded rule: ${missing.join(', ')}` };
  if (outside.length) return { problem: `the filter's log source (${describeLogsource(filter.logsource)}) does not cover ${outside.join(', ')}` };
  return { targets: [...targets] };
}

function renameRefs(c: Condition, rename: (name: string) => string): Condition {
  switch (c.op) {
    case 'ref':
      return { op: 'ref', name: rename(c.name) };
    case 'not':
      return { op: 'not', arg: renameRefs(c.arg, rename) };
    case 'and':
    case 'or':
      return { op: c.op, args: c.args.map((a) => renameRefs(a, rename)) };
    case 'const':
      return c;
  }
}

/**
 * The rule with the filter's condition ANDed onto its own. The filter's identifiers are renamed
 * `<filter file>:<name>` so they cannot clash with the rule's and so the catalog shows where they come from.
 */
export function applyFilter(rule: CompiledRule, filter: CompiledFilter): CompiledRule {
  const names = new Map<string, string>();
  for (const name of Object.keys(filter.detections)) {
    let renamed = `${filter.ruleFile}:${name}`;
    while (renamed in rule.detections) renamed = `${renamed}'`;
    names.set(name, renamed);
  }
  const detections = { ...rule.detections };
  for (const [name, d] of Object.entries(filter.detections)) detections[names.get(name)!] = d;
  return {
    ...rule,
    detections,
    condition: { op: 'and', args: [rule.condition, renameRefs(filter.condition, (n) => names.get(n)!)] },
  };
}

function appliedNote(targets: readonly CompiledRule[]): string {
  const titles = targets.slice(0, SHOWN_TITLES).map((r) => `'${r.meta.title}'`).join(', ');
  const more = targets.length > SHOWN_TITLES ? ` and ${targets.length - SHOWN_TITLES} more` : '';
  return `filter applied to ${targets.length} rule${targets.length === 1 ? '' : 's'}: ${titles}${more}`;
}

/**
 * Applies every ok filter result to the ok rule results it names, in document order. A filter naming a rule that
 * is not loaded (or one outside its log source) is turned `invalid` and applied to none: a half-applied tuning
 * would be harder to notice than a reported one. An applied filter stays `ok`, its reason naming the rules.
 */
export function applyFilters(results: readonly RuleCheckResult[]): RuleCheckResult[] {
  const filters = results.filter((r) => r.status === 'ok' && r.filter);
  if (filters.length === 0) return [...results];
  const tuned = new Map<CompiledRule, CompiledRule>();
  for (const r of results) if (r.rule) tuned.set(r.rule, r.rule);
  const originals = [...tuned.keys()];
  const outcome = new Map<RuleCheckResult, RuleCheckResult>();
  for (const f of filters) {
    const found = resolve(f.filter!, originals);
    if ('problem' in found) {
      outcome.set(f, { ...f, status: 'invalid', reason: found.problem });
      continue;
    }
    for (const r of found.targets) tuned.set(r, applyFilter(tuned.get(r)!, f.filter!));
    outcome.set(f, { ...f, reason: appliedNote(found.targets) });
  }
  return results.map((r) => outcome.get(r) ?? (r.rule ? { ...r, rule: tuned.get(r.rule)! } : r));
}
