/**
 * The candidate index: from each rule's condition, the values its `eventName` (else `eventSource`) must take for
 * the rule to match. A record is evaluated only against rules whose constraint its fields satisfy, plus the rules
 * with no such constraint. An over-approximation: it may pick extra rules, never leave one out
 * (checked against a full scan in test/sigma/ruleIndex.test.ts).
 */
import type { Condition } from './ir.ts';
import type { LoadedDetection, LoadedMatcher, LoadedRule } from './loader.ts';

/** Top-level fields the index keys on, most selective first. */
export const INDEX_FIELDS = ['eventName', 'eventSource'] as const;
export type IndexField = (typeof INDEX_FIELDS)[number];

/** Matchers on one field, any of which the field's value must satisfy (undefined: no constraint). */
type Constraint = LoadedMatcher[] | undefined;

/** Matchers that can only hold for a present, non-null value: safe to index on. */
function positive(m: LoadedMatcher): boolean {
  switch (m.kind) {
    case 'string':
    case 'set':
    case 'glob':
    case 're':
    case 'cidr':
    case 'number':
    case 'fieldref':
      return true;
    case 'any':
      return m.matchers.length > 0 && m.matchers.every(positive);
    case 'all':
      return m.matchers.some(positive);
    case 'null':
    case 'exists':
    case 'not':
      return false;
  }
}

function detectionConstraint(d: LoadedDetection, field: IndexField): Constraint {
  if (d.kind === 'keywords') return undefined;
  const out: LoadedMatcher[] = [];
  for (const tests of d.anyOf) {
    const t = tests.find((x) => x.path.full === field && positive(x.matcher));
    if (!t) return undefined;
    out.push(t.matcher);
  }
  return out;
}

function conditionConstraint(c: Condition, rule: LoadedRule, field: IndexField): Constraint {
  switch (c.op) {
    case 'ref':
      return detectionConstraint(rule.detections.get(c.name)!, field);
    case 'and': {
      // Any conjunct's constraint holds for the whole; prefer the one with the fewest alternatives.
      let best: Constraint;
      for (const a of c.args) {
        const k = conditionConstraint(a, rule, field);
        if (k && (!best || k.length < best.length)) best = k;
      }
      return best;
    }
    case 'or': {
      const all: LoadedMatcher[] = [];
      for (const a of c.args) {
        const k = conditionConstraint(a, rule, field);
        if (!k) return undefined;
        all.push(...k);
      }
      return all;
    }
    case 'not':
      return undefined;
    case 'const':
      return c.value ? undefined : [];
  }
}

/** Lower-cased exact values of a constraint, or undefined when some alternative is not a plain equality. */
function exactValues(k: LoadedMatcher[]): string[] | undefined {
  const out: string[] = [];
  for (const m of k) {
    if (m.kind === 'string' && m.op === 'equals') out.push(m.value.toLowerCase());
    else if (m.kind === 'set') out.push(...[...m.values].map((v) => v.toLowerCase()));
    else if (m.kind === 'any') {
      const inner = exactValues(m.matchers);
      if (!inner) return undefined;
      out.push(...inner);
    } else return undefined;
  }
  return out;
}

interface Keyed {
  readonly field: IndexField;
  readonly exact?: readonly string[];
  /** Alternatives that are not plain equalities, tested with the evaluator's matcher semantics. */
  readonly test?: (value: string) => boolean;
}

/** Picks rules for a record from its top-level `eventName`/`eventSource` values. */
export class RuleIndex {
  private readonly always: number[] = [];
  private readonly exact = new Map<string, number[]>();
  private readonly scanned: { field: IndexField; position: number; test: (value: string) => boolean }[] = [];
  private readonly cache = new Map<string, readonly LoadedRule[]>();
  /** How many rules are keyed on each field, and how many run on every record. */
  readonly stats = { eventName: 0, eventSource: 0, always: 0 };

  constructor(
    readonly rules: readonly LoadedRule[],
    matchOne: (m: LoadedMatcher, value: string) => boolean,
  ) {
    rules.forEach((rule, position) => {
      const keyed = keyRule(rule, matchOne);
      if (!keyed) {
        this.always.push(position);
        this.stats.always++;
        return;
      }
      this.stats[keyed.field]++;
      for (const v of keyed.exact ?? []) {
        const key = `${keyed.field}\u0000${v}`;
        const list = this.exact.get(key);
        if (list) list.push(position);
        else this.exact.set(key, [position]);
      }
      if (keyed.test) this.scanned.push({ field: keyed.field, position, test: keyed.test });
    });
  }

  /**
   * Rules that may match a record with these top-level values, in rule order. A value that is not a string
   * (absent, a number, an object) only reaches the unconstrained rules, or every rule when present but not a string.
   */
  candidates(eventName: unknown, eventSource: unknown): readonly LoadedRule[] {
    if ((eventName !== undefined && typeof eventName !== 'string') || (eventSource !== undefined && typeof eventSource !== 'string')) {
      return this.rules;
    }
    const cacheKey = `${eventName ?? '\u0001'}\u0000${eventSource ?? '\u0001'}`;
    let hit = this.cache.get(cacheKey);
    if (!hit) {
      hit = this.compute({ eventName, eventSource } as Record<IndexField, string | undefined>);
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(cacheKey, hit);
    }
    return hit;
  }

  private compute(values: Record<IndexField, string | undefined>): readonly LoadedRule[] {
    const picked = new Set<number>(this.always);
    for (const field of INDEX_FIELDS) {
      const v = values[field];
      if (v === undefined) continue;
      for (const p of this.exact.get(`${field}\u0000${v.toLowerCase()}`) ?? []) picked.add(p);
    }
    for (const s of this.scanned) {
      const v = values[s.field];
      if (v !== undefined && s.test(v)) picked.add(s.position);
    }
    return [...picked].sort((a, b) => a - b).map((p) => this.rules[p]!);
  }
}

/**
 * What a rule's condition requires of a top-level field: the plain equalities (lower-cased) and the other
 * alternatives (prefixes, patterns…), any one of which the value must satisfy; undefined when the rule does not
 * constrain the field. The index keys on it; the rule catalog names the API calls a rule watches with it.
 */
export function fieldConstraint(rule: LoadedRule, field: IndexField): { exact: string[]; other: LoadedMatcher[] } | undefined {
  const k = conditionConstraint(rule.condition, rule, field);
  if (!k) return undefined;
  const exact = exactValues(k);
  if (exact) return { exact, other: [] };
  return { exact: exactValues(k.filter((m) => exactValues([m]) !== undefined)) ?? [], other: k.filter((m) => exactValues([m]) === undefined) };
}

function keyRule(rule: LoadedRule, matchOne: (m: LoadedMatcher, value: string) => boolean): Keyed | undefined {
  for (const field of INDEX_FIELDS) {
    const k = fieldConstraint(rule, field);
    if (!k) continue;
    // Mixed alternatives: keep the plain equalities in the map and test the rest per distinct value.
    return k.other.length ? { field, exact: k.exact, test: (value) => k.other.some((m) => matchOne(m, value)) } : { field, exact: k.exact };
  }
  return undefined;
}
