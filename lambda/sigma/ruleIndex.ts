/**
 * The candidate index: from each rule's condition, the values a field must take for the rule to match. Rules are
 * keyed on `eventName` (else `eventSource`); a rule constraining neither is gated on another field it requires
 * (`userIdentity.type`, `errorCode`, `userAgent`…), so it too runs only on records whose value could satisfy it.
 * A record is evaluated against the rules its values pick, plus the rules that constrain no field at all.
 * An over-approximation: it may pick extra rules, never leave one out (test/sigma/ruleIndex.test.ts checks it
 * against a full scan).
 */
import type { Condition } from './ir.ts';
import { fieldPath } from './loader.ts';
import type { FieldPath, LoadedDetection, LoadedMatcher, LoadedRule } from './loader.ts';
import { visitPath } from './evaluator.ts';
import type { RecordView } from './recordView.ts';
import { VALUE_ID_LIMIT } from './recordView.ts';
import { IdTrie } from './idTrie.ts';

/** Names the values a field reaches in the record being evaluated (VerdictMemo): equal names, equal values. */
export interface ValueNames {
  /** -1 when the values cannot be named. */
  name(view: RecordView, path: FieldPath): number;
  /** Changes when names are reused for other values. */
  readonly era: number;
}

/** Top-level fields the index keys on, most selective first. */
export const INDEX_FIELDS = ['eventName', 'eventSource'] as const;
export type IndexField = (typeof INDEX_FIELDS)[number];

/** Matchers on one field, any of which the field's value must satisfy (undefined: no constraint). */
type Constraint = LoadedMatcher[] | undefined;

/** Values (or value combinations) remembered before a memo starts over: bounds memory on hostile input. */
const MEMO_ENTRIES = 50_000;

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

function detectionConstraint(d: LoadedDetection, field: string): Constraint {
  if (d.kind === 'keywords') return undefined;
  const out: LoadedMatcher[] = [];
  for (const tests of d.anyOf) {
    const t = tests.find((x) => x.path.full === field && positive(x.matcher));
    if (!t) return undefined;
    out.push(t.matcher);
  }
  return out;
}

function conditionConstraint(c: Condition, rule: LoadedRule, field: string): Constraint {
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

/**
 * What a rule's condition requires of a field (a dotted path as written in the rule): the plain equalities
 * (lower-cased) and the other alternatives (prefixes, patterns…), any one of which a value of the field must
 * satisfy; undefined when the rule does not constrain the field. The index keys on it; the rule catalog names the
 * API calls a rule watches with it.
 */
export function fieldConstraint(rule: LoadedRule, field: string): { exact: string[]; other: LoadedMatcher[] } | undefined {
  const k = conditionConstraint(rule.condition, rule, field);
  if (!k) return undefined;
  const exact = exactValues(k);
  if (exact) return { exact, other: [] };
  return { exact: exactValues(k.filter((m) => exactValues([m]) !== undefined)) ?? [], other: k.filter((m) => exactValues([m]) === undefined) };
}

type Requirement = NonNullable<ReturnType<typeof fieldConstraint>>;

/** The fields a rule's field tests name, in rule order. */
function testedFields(rule: LoadedRule): string[] {
  const out = new Set<string>();
  for (const d of rule.detections.values()) {
    if (d.kind === 'fields') for (const tests of d.anyOf) for (const t of tests) out.add(t.path.full);
  }
  return [...out];
}

/**
 * The field to gate a rule on when it constrains neither eventName nor eventSource: a top-level field before a
 * nested one (no nested parse), plain equalities before patterns, then the fewest alternatives.
 */
function gateField(rule: LoadedRule): { field: string; requirement: Requirement } | undefined {
  let best: { field: string; requirement: Requirement; score: number } | undefined;
  for (const field of testedFields(rule)) {
    const requirement = fieldConstraint(rule, field);
    if (!requirement) continue;
    const score = (field.includes('.') ? 1e6 : 0) + (requirement.other.length ? 1e3 : 0) + requirement.exact.length + requirement.other.length;
    if (!best || score < best.score) best = { field, requirement, score };
  }
  return best;
}

/**
 * Could the matcher hold for a field having this value among its values? `all` only needs each of its matchers to
 * hold for some value (array members may differ), so one value can only be asked to meet one positive part.
 */
function couldHold(m: LoadedMatcher, value: string, matchOne: (m: LoadedMatcher, value: string) => boolean): boolean {
  if (m.kind === 'any') return m.matchers.some((x) => couldHold(x, value, matchOne));
  if (m.kind === 'all') return m.matchers.some((x) => positive(x) && couldHold(x, value, matchOne));
  return matchOne(m, value);
}

const NONE: readonly number[] = [];

/** A gate's picks for a value, and a small number naming that list among the gate's distinct lists. */
interface Pick {
  readonly positions: readonly number[];
  readonly id: number;
}

/** Rules keyed on one field: exact values in a map, other alternatives tested on each distinct value. */
class FieldKey {
  private readonly exact = new Map<string, number[]>();
  private readonly tested: { position: number; test: (value: string) => boolean }[] = [];
  /** Every rule keyed here, for a value whose matcher semantics differ from its text (numbers, objects). */
  readonly positions: number[] = [];
  private readonly memo = new Map<string, readonly number[]>();
  /** The distinct lists picked, by their text: each gets an id once. */
  private readonly lists = new Map<string, Pick>();
  /** The same by the list itself (the memo hands out one array per value). */
  private byList = new Map<readonly number[], Pick>();
  /** Picks by the name of the field's values (ValueNames), in one era. */
  private byName = new Map<number, Pick>();
  private era = -1;

  constructor(readonly path: FieldPath) {}

  add(position: number, requirement: Requirement, matchOne: (m: LoadedMatcher, value: string) => boolean): void {
    this.positions.push(position);
    for (const v of requirement.exact) {
      const list = this.exact.get(v);
      if (list) list.push(position);
      else this.exact.set(v, [position]);
    }
    if (requirement.other.length) this.tested.push({ position, test: (value) => requirement.other.some((m) => couldHold(m, value, matchOne)) });
  }

  /** Positions (ascending) of the rules the record's values of this field could satisfy (arrays crossed). */
  picks(view: RecordView): readonly number[] {
    this.found = NONE;
    visitPath(view, this.path, this.collect);
    return this.found;
  }

  /** The same as a Pick, found by the name of the field's values when they have one. */
  namedPicks(view: RecordView, names: ValueNames): Pick {
    if (this.era !== names.era) {
      this.byName = new Map();
      this.era = names.era;
    }
    const name = names.name(view, this.path);
    let pick = name < 0 ? undefined : this.byName.get(name);
    if (!pick) {
      const positions = this.picks(view);
      pick = this.byList.get(positions);
      if (!pick) {
        const text = positions.join();
        pick = this.lists.get(text);
        if (!pick) this.lists.set(text, (pick = { positions, id: this.lists.size }));
        if (this.byList.size >= MEMO_ENTRIES) this.byList = new Map();
        this.byList.set(positions, pick);
      }
      if (name >= 0) {
        if (this.byName.size >= MEMO_ENTRIES) this.byName.clear();
        this.byName.set(name, pick);
      }
    }
    return pick;
  }

  private found: readonly number[] = NONE;
  /** One visitor for every record, not a closure per call. */
  private readonly collect = (v: unknown): boolean => {
    if (v !== null) this.found = merge(this.found, typeof v === 'string' ? this.pick(v) : this.positions);
    return false;
  };

  /** Positions (ascending) of the rules a string value could satisfy. */
  pick(value: string): readonly number[] {
    let hit = this.memo.get(value);
    if (!hit) {
      const picked = new Set(this.exact.get(value.toLowerCase()));
      for (const t of this.tested) if (t.test(value)) picked.add(t.position);
      hit = [...picked].sort((a, b) => a - b);
      if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
      this.memo.set(value, hit);
    }
    return hit;
  }
}

/** Merges ascending position lists into one, without duplicates (either list itself when the other is empty). */
function merge(a: readonly number[], b: readonly number[]): readonly number[] {
  if (!b.length) return a;
  if (!a.length) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out[out.length - 1] !== next) out.push(next);
  }
  return out;
}

/** Memo key of an index field's value: the string itself, or a symbol per kind of non-string value. */
const KIND_KEYS: Record<string, symbol> = {};
function memoKey(v: unknown): string | symbol {
  if (typeof v === 'string') return v;
  const kind = v === null ? 'null' : typeof v;
  return (KIND_KEYS[kind] ??= Symbol(kind));
}

interface Picked {
  readonly positions: readonly number[];
  readonly rules: readonly LoadedRule[];
  /** These rules plus gates' picks, by the picks' positions joined. */
  readonly withGated: Map<string, readonly LoadedRule[]>;
  /** The same by the ids of the gates' picks. */
  readonly withPicks: IdTrie<readonly LoadedRule[]>;
}

/** Picks the rules worth evaluating for a record. */
export class RuleIndex {
  private readonly always: number[] = [];
  private readonly keys = new Map<IndexField, FieldKey>(INDEX_FIELDS.map((f) => [f, new FieldKey(fieldPath(f))]));
  /** Second level: fields that gate the rules constraining neither eventName nor eventSource. */
  private readonly gates: readonly FieldKey[];
  private readonly memo = new Map<string | symbol, Map<string | symbol, Picked>>();
  /** How many rules are keyed on each index field, gated on another field, or run on every record. */
  readonly stats = { eventName: 0, eventSource: 0, gated: 0, always: 0 };

  constructor(
    readonly rules: readonly LoadedRule[],
    matchOne: (m: LoadedMatcher, value: string) => boolean,
  ) {
    const gates = new Map<string, FieldKey>();
    rules.forEach((rule, position) => {
      for (const field of INDEX_FIELDS) {
        const requirement = fieldConstraint(rule, field);
        if (!requirement) continue;
        this.keys.get(field)!.add(position, requirement, matchOne);
        this.stats[field]++;
        return;
      }
      const gate = gateField(rule);
      if (!gate) {
        this.always.push(position);
        this.stats.always++;
        return;
      }
      let key = gates.get(gate.field);
      if (!key) gates.set(gate.field, (key = new FieldKey(fieldPath(gate.field))));
      key.add(position, gate.requirement, matchOne);
      this.stats.gated++;
    });
    this.gates = [...gates.values()];
    this.pickIds = new Int32Array(this.gates.length);
  }

  private readonly pickIds: Int32Array;

  /**
   * Rules that may match the record, in rule order. `eventName`/`eventSource` are its top-level values (passed in:
   * the streaming reader has them at hand). A value that is not a string reaches every rule keyed on its field.
   * With `names`, the gates' picks are found by the names of the record's values, not by reading them.
   */
  candidates(view: RecordView, eventName: unknown, eventSource: unknown, names?: ValueNames): readonly LoadedRule[] {
    const first = this.first(eventName, eventSource);
    if (names) return this.namedCandidates(view, first, names);
    let gated: readonly number[] = [];
    for (const key of this.gates) gated = merge(gated, key.picks(view));
    if (!gated.length) return first.rules;
    const gatedKey = gated.join();
    let rules = first.withGated.get(gatedKey);
    if (!rules) {
      rules = merge(first.positions, gated).map((p) => this.rules[p]!);
      this.countMemoEntry();
      first.withGated.set(gatedKey, rules);
    }
    return rules;
  }

  private namedCandidates(view: RecordView, first: Picked, names: ValueNames): readonly LoadedRule[] {
    const ids = this.pickIds;
    let picked = false;
    let small = true;
    for (let i = 0; i < this.gates.length; i++) {
      const pick = this.gates[i]!.namedPicks(view, names);
      ids[i] = pick.id;
      if (pick.positions.length) picked = true;
      if (pick.id >= VALUE_ID_LIMIT) small = false;
    }
    if (!picked) return first.rules;
    let rules = small ? first.withPicks.get(ids, ids.length) : undefined;
    if (!rules) {
      let gated: readonly number[] = [];
      for (const key of this.gates) gated = merge(gated, key.namedPicks(view, names).positions);
      rules = merge(first.positions, gated).map((p) => this.rules[p]!);
      if (small) {
        this.countMemoEntry();
        first.withPicks.set(ids, ids.length, rules);
      }
    }
    return rules;
  }

  /** Rules picked by eventName and eventSource, plus the unconstrained rules (memoised per value pair). */
  private first(eventName: unknown, eventSource: unknown): Picked {
    const nameKey = memoKey(eventName);
    let bySource = this.memo.get(nameKey);
    if (!bySource) this.memo.set(nameKey, (bySource = new Map()));
    const sourceKey = memoKey(eventSource);
    let hit = bySource.get(sourceKey);
    if (!hit) {
      let positions: readonly number[] = this.always;
      const values: Record<IndexField, unknown> = { eventName, eventSource };
      for (const field of INDEX_FIELDS) {
        const v = values[field];
        if (v === undefined || v === null) continue;
        const key = this.keys.get(field)!;
        positions = merge(positions, typeof v === 'string' ? key.pick(v) : key.positions);
      }
      hit = { positions, rules: positions.map((p) => this.rules[p]!), withGated: new Map(), withPicks: new IdTrie() };
      this.countMemoEntry();
      bySource.set(sourceKey, hit);
    }
    return hit;
  }

  private memoEntries = 0;

  /** Bounds the memo of value combinations (each new one counts): past the limit it starts over. */
  private countMemoEntry(): void {
    if (++this.memoEntries <= MEMO_ENTRIES) return;
    this.memo.clear();
    this.memoEntries = 1;
  }
}
