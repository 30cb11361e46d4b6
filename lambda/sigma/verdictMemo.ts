/**
 * Verdicts reused by the values they depend on. A rule's verdict depends only on the values of the fields it
 * reads, and CloudTrail repeats itself (the same call by the same kind of principal, with or without an error,
 * record after record), so a rule takes its verdict on an earlier record whose values were the same in those
 * fields instead of evaluating again. Values are named cheaply: a top-level value by its text
 * (RecordView.valueId, the scanner's values table), a nested one (`userIdentity.type`) by the one string it holds,
 * found once per distinct top-level value. What cannot be named so (a long or seldom-repeating value, escaped or
 * dotted keys, a nested array or number) and rules that read the whole record (keywords) are evaluated as usual.
 */
import type { FieldPath, LoadedMatcher, LoadedRule } from './loader.ts';
import { ABSENT_VALUE_ID } from './recordView.ts';
import { IdTrie } from './idTrie.ts';
import type { RecordView } from './recordView.ts';
import { evaluateView, visitPath } from './evaluator.ts';

/** Verdicts and names remembered before the memo starts over: bounds memory on input that never repeats. */
const MEMO_ENTRIES = 100_000;

/** A field's value id for the record being evaluated (`epoch`), shared by the rules reading the field. */
interface FieldId {
  readonly path: FieldPath;
  epoch: number;
  id: number;
}

interface RuleMemo {
  readonly fields: readonly FieldId[];
  readonly verdicts: IdTrie<boolean>;
}

/** Fields a matcher reads besides its own (field references). */
function matcherFields(m: LoadedMatcher, out: Set<FieldPath>): void {
  if (m.kind === 'fieldref') out.add(m.path);
  else if (m.kind === 'any' || m.kind === 'all') for (const x of m.matchers) matcherFields(x, out);
  else if (m.kind === 'not') matcherFields(m.matcher, out);
}

/** The fields a rule reads, or undefined when it reads the whole record (keywords). */
function ruleFields(rule: LoadedRule): Set<FieldPath> | undefined {
  const out = new Set<FieldPath>();
  for (const d of rule.detections.values()) {
    if (d.kind === 'keywords') return undefined;
    for (const tests of d.anyOf) {
      for (const t of tests) {
        out.add(t.path);
        matcherFields(t.matcher, out);
      }
    }
  }
  return out;
}

export class VerdictMemo {
  private entries = 0;
  private generation = 0;
  /** The record being evaluated (RuleEngine's epoch). */
  private epoch = 0;
  /** Changes whenever names are forgotten: ids from an earlier era name nothing. */
  era = 0;
  private ids = new Int32Array(8);
  /** Per rule: its fields and verdicts; null when it reads the whole record. */
  private readonly rules = new Map<LoadedRule, RuleMemo | null>();
  private readonly fields = new Map<FieldPath, FieldId>();
  /** Per nested field: the id of the string it holds, by the id of its top-level value. */
  private leafIds = new Map<FieldPath, Map<number, number>>();
  /** Ids of the strings nested fields hold. */
  private strings = new Map<string, number>();

  /** A new record, named `epoch` (RuleEngine); the view must name values (valueId). */
  begin(view: RecordView, epoch: number): void {
    if (view.idGeneration !== this.generation) this.clear(view.idGeneration!);
    this.epoch = epoch;
    this.void = false;
  }

  /**
   * The names of this record are void: the values table was emptied or this memo started over since the record
   * began, so an id may now name another text (or a name another string) than the ids noted before. The rest of
   * the record is evaluated as usual; the next record starts a new memo.
   */
  private void = false;

  /** The rule's verdict on the record, reused when an earlier record had the same values in the fields it reads. */
  verdict(rule: LoadedRule, view: RecordView): boolean {
    const epoch = this.epoch;
    const generation = this.generation;
    const memo = this.ruleMemo(rule);
    if (!memo || !this.collect(view, memo.fields)) return evaluateView(rule, view, epoch);
    const n = memo.fields.length;
    let verdict = memo.verdicts.get(this.ids, n);
    if (verdict === undefined) {
      verdict = evaluateView(rule, view, epoch);
      // Reading values may have emptied the values table: the ids collected before are then void.
      if (!this.void && view.idGeneration === generation) {
        memo.verdicts.set(this.ids, n, verdict);
        this.count();
      }
    }
    return verdict;
  }

  private ruleMemo(rule: LoadedRule): RuleMemo | null {
    let memo = this.rules.get(rule);
    if (memo === undefined) {
      const paths = ruleFields(rule);
      memo = paths ? { fields: [...paths].map((p) => this.fieldId(p)), verdicts: new IdTrie() } : null;
      this.rules.set(rule, memo);
    }
    return memo;
  }

  private fieldId(path: FieldPath): FieldId {
    let f = this.fields.get(path);
    if (!f) this.fields.set(path, (f = { path, epoch: 0, id: -1 }));
    return f;
  }

  /** Puts the ids of the values of `fields` in this.ids; false when one cannot be named. */
  private collect(view: RecordView, fields: readonly FieldId[]): boolean {
    if (this.ids.length < fields.length) this.ids = new Int32Array(fields.length);
    const ids = this.ids;
    for (let i = 0; i < fields.length; i++) {
      const id = this.idOf(view, fields[i]!);
      if (id < 0) return false;
      ids[i] = id;
    }
    return true;
  }

  /**
   * A name for the values the field reaches in this record, below VALUE_ID_LIMIT: equal names in one era, equal
   * values; -1 when they cannot be named.
   */
  name(view: RecordView, path: FieldPath): number {
    return this.idOf(view, this.fieldId(path));
  }

  private idOf(view: RecordView, f: FieldId): number {
    if (this.void) return -1;
    if (f.epoch !== this.epoch) {
      f.id = this.valueId(view, f.path);
      f.epoch = this.epoch;
    }
    // Naming this value (or an evaluation before) may have emptied the values table or this memo.
    if (this.void || view.idGeneration !== this.generation) {
      this.void = true;
      return -1;
    }
    return f.id;
  }

  /** A name for the values a field reaches: equal names, equal values (for this field). -1: cannot name them. */
  private valueId(view: RecordView, path: FieldPath): number {
    const top = view.valueId!(path.segments[0]!);
    if (top === ABSENT_VALUE_ID || path.segments.length === 1) return top;
    // An unnamed value (long, or seldom repeating) can still be seen not to hold the path at all.
    if (top < 0) return view.mayReach?.(path) === false ? ABSENT_VALUE_ID : -1;
    let byTop = this.leafIds.get(path);
    if (!byTop) this.leafIds.set(path, (byTop = new Map()));
    let id = byTop.get(top);
    if (id === undefined) {
      id = this.leafId(view, path);
      byTop.set(top, id);
      this.count();
    }
    return id;
  }

  private reached = 0;
  private leaf: unknown;
  private readonly noteLeaf = (v: unknown): boolean => {
    this.reached++;
    this.leaf = v;
    return false;
  };

  /** The id of the one string a nested field holds; ABSENT_VALUE_ID when it reaches nothing; -1 otherwise. */
  private leafId(view: RecordView, path: FieldPath): number {
    this.reached = 0;
    try {
      visitPath(view, path, this.noteLeaf, false);
    } catch (err) {
      // Invalid JSON inside the value: unnamed, so the rules are evaluated as usual and report it only if they read
      // it (a rule whose condition is settled before reaching the field never parses it).
      if (!(err instanceof SyntaxError)) throw err;
      this.leaf = undefined;
      return -1;
    }
    const leaf = this.leaf;
    this.leaf = undefined;
    if (this.reached === 0) return ABSENT_VALUE_ID;
    if (this.reached > 1 || typeof leaf !== 'string') return -1;
    let id = this.strings.get(leaf);
    if (id === undefined) {
      // Past the id range every name starts over; this record is evaluated as usual.
      if (this.strings.size >= ABSENT_VALUE_ID) {
        this.clear(this.generation);
        return -1;
      }
      this.strings.set(leaf, (id = this.strings.size));
    }
    return id;
  }

  private count(): void {
    if (++this.entries > MEMO_ENTRIES) this.clear(this.generation);
  }

  /** Forgets every verdict and name (ids of another table generation, or too many). */
  private clear(generation: number): void {
    this.void = true;
    for (const memo of this.rules.values()) memo?.verdicts.clear();
    for (const f of this.fields.values()) f.epoch = 0;
    this.leafIds = new Map();
    this.strings = new Map();
    this.entries = 0;
    this.generation = generation;
    this.era++;
  }
}
