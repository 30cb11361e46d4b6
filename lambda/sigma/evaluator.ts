/**
 * LoadedRule × record → verdict. Sigma semantics (docs/sigma-semantics.md): a path crossing arrays matches when
 * any member matches; numbers and booleans compare as their string form, objects as their compact JSON text;
 * `null` means absent or JSON null; plain strings compare case-insensitively.
 */
import type { Condition, NumberOp } from './ir.ts';
import type { FieldPath, LoadedDetection, LoadedFieldTest, LoadedGlob, LoadedMatcher, LoadedRule } from './loader.ts';
import { inNetwork, parseIp } from './cidr.ts';
import { MAX_REGEX_INPUT } from './regex.ts';
import { parseDecimal } from './numbers.ts';
import { isRecordView, ownValue, PlainRecordView } from './recordView.ts';
import type { RecordView } from './recordView.ts';

/** Does the rule match the record? `record` is a parsed CloudTrail record or a RecordView over one. */
export function evaluate(rule: LoadedRule, record: unknown): boolean {
  return evaluateView(rule, isRecordView(record) ? record : new PlainRecordView(record), 0);
}

/**
 * Evaluates a rule on a view. With `epoch` > 0, detection verdicts are remembered on the (shared) detection
 * objects for that epoch, so rules sharing a detection evaluate it once per record; each record needs a new epoch.
 */
export function evaluateView(rule: LoadedRule, view: RecordView, epoch: number): boolean {
  return evalCondition(rule.condition, rule, view, epoch);
}

function evalCondition(c: Condition, rule: LoadedRule, rec: RecordView, epoch: number): boolean {
  switch (c.op) {
    case 'ref': {
      const d = rule.detections.get(c.name)!;
      if (epoch === 0) return evalDetection(d, rec);
      if (d.memo.epoch !== epoch) {
        d.memo.verdict = evalDetection(d, rec);
        d.memo.epoch = epoch;
      }
      return d.memo.verdict;
    }
    case 'and':
      for (const a of c.args) if (!evalCondition(a, rule, rec, epoch)) return false;
      return true;
    case 'or':
      for (const a of c.args) if (evalCondition(a, rule, rec, epoch)) return true;
      return false;
    case 'not':
      return !evalCondition(c.arg, rule, rec, epoch);
    case 'const':
      return c.value;
  }
}

function evalDetection(d: LoadedDetection, rec: RecordView): boolean {
  if (d.kind === 'keywords') return keywordsMatch(d.matcher, rec.root(), d.needsLower);
  outer: for (const tests of d.anyOf) {
    for (const t of tests) if (!fieldMatches(t.matcher, t, rec)) continue outer;
    return true;
  }
  return false;
}

type Visit = (v: unknown) => boolean;

/**
 * Calls `visit` on every value a dotted path reaches, crossing arrays; stops when it returns true. With
 * `flattenLeaf` (the default) an array found at the end of the path is visited member by member; without it the
 * array itself is visited (presence checks: an empty array is a present value).
 */
export function visitPath(rec: RecordView, path: FieldPath, visit: Visit, flattenLeaf = true): boolean {
  const literal = rec.get(path.full);
  if (literal !== undefined) return visitLeaf(literal, visit, flattenLeaf);
  if (path.segments.length === 1 || rec.mayReach?.(path) === false) return false;
  const first = rec.get(path.segments[0]!);
  return first === undefined ? false : walk(first, path, 1, visit, flattenLeaf);
}

function walk(value: unknown, path: FieldPath, depth: number, visit: Visit, flattenLeaf: boolean): boolean {
  if (depth === path.segments.length) return visitLeaf(value, visit, flattenLeaf);
  if (Array.isArray(value)) {
    for (const member of value) if (walk(member, path, depth, visit, flattenLeaf)) return true;
    return false;
  }
  if (value === null || typeof value !== 'object') return false;
  const literal = depth < path.segments.length - 1 ? ownValue(value, path.suffixes[depth]!) : undefined;
  if (literal !== undefined) return visitLeaf(literal, visit, flattenLeaf);
  const next = ownValue(value, path.segments[depth]!);
  return next === undefined ? false : walk(next, path, depth + 1, visit, flattenLeaf);
}

function visitLeaf(value: unknown, visit: Visit, flatten: boolean): boolean {
  if (!flatten || !Array.isArray(value)) return visit(value);
  for (const member of value) if (visitLeaf(member, visit, true)) return true;
  return false;
}

/** The text a string matcher compares: strings as they are, numbers/booleans as written, objects as compact JSON. */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

/** Is the field present with a non-null value (an empty array or object counts as present)? */
function hasValue(rec: RecordView, path: FieldPath): boolean {
  return visitPath(rec, path, (v) => v !== null, false);
}

/**
 * Whole-field semantics: `null`/`exists` look at whether any non-null value is reached, `all` needs each matcher to
 * hold for some value, `neq` needs a value and no value matching; every other matcher holds when it holds for any
 * one value (array members included).
 */
function fieldMatches(m: LoadedMatcher, t: LoadedFieldTest, rec: RecordView): boolean {
  switch (m.kind) {
    case 'null':
      return !hasValue(rec, t.path);
    case 'exists':
      return hasValue(rec, t.path) === m.exists;
    case 'all':
      for (const x of m.matchers) if (!fieldMatches(x, t, rec)) return false;
      return true;
    case 'not':
      return hasValue(rec, t.path) && !fieldMatches(m.matcher, t, rec);
    case 'any':
      if (m.wholeField) {
        for (const x of m.matchers) if (fieldMatches(x, t, rec)) return true;
        return false;
      }
      break;
    default:
      break;
  }
  return visitPath(rec, t.path, (v) => {
    if (v === null) return false;
    const text = t.needsText ? valueText(v) : '';
    return matchValue(m, v, text, t.needsLower ? text.toLowerCase() : text, rec);
  });
}

/** Keyword searches: any string value of the record; with `all`, each keyword in some (possibly different) value. */
function keywordsMatch(m: LoadedMatcher, root: unknown, needsLower: boolean): boolean {
  if (m.kind === 'all') return m.matchers.every((x) => keywordsMatch(x, root, needsLower));
  if (m.kind === 'not') return !keywordsMatch(m.matcher, root, needsLower);
  return someString(root, (s) => matchValue(m, s, s, needsLower ? s.toLowerCase() : s, NO_RECORD));
}

/** One non-null value against a per-value matcher (whole-field kinds are resolved by fieldMatches). */
function matchValue(m: LoadedMatcher, raw: unknown, text: string, lower: string, rec: RecordView): boolean {
  switch (m.kind) {
    case 'any':
      for (const x of m.matchers) if (matchValue(x, raw, text, lower, rec)) return true;
      return false;
    case 'all':
      for (const x of m.matchers) if (!matchValue(x, raw, text, lower, rec)) return false;
      return true;
    case 'not':
      return !matchValue(m.matcher, raw, text, lower, rec);
    case 'null':
      return false;
    case 'exists':
      return m.exists;
    case 'string':
      return compare(m.op, m.cased ? text : lower, m.value);
    case 'set':
      return m.values.has(m.cased ? text : lower);
    case 'glob':
      return globMatch(m.glob, m.cased ? text : lower);
    case 're': {
      const input = text.length > MAX_REGEX_INPUT ? text.slice(0, MAX_REGEX_INPUT) : text;
      if (m.required !== undefined && !(m.ignoreCase ? lower : input).includes(m.required)) return false;
      return m.regex.test(input);
    }
    case 'cidr': {
      const ip = typeof raw === 'string' ? parseIp(raw) : undefined;
      return ip !== undefined && inNetwork(ip, m.network, m.prefix);
    }
    case 'number': {
      const n = parseDecimal(raw);
      return !Number.isNaN(n) && compareNumber(m.op, n, m.value);
    }
    case 'fieldref': {
      const own = m.cased ? text : lower;
      return visitPath(rec, m.path, (other) => {
        if (other === null) return false;
        const t = valueText(other);
        return compare(m.op, own, m.cased ? t : t.toLowerCase());
      });
    }
  }
}

function compareNumber(op: NumberOp, n: number, value: number): boolean {
  switch (op) {
    case 'eq':
      return n === value;
    case 'gt':
      return n > value;
    case 'gte':
      return n >= value;
    case 'lt':
      return n < value;
    case 'lte':
      return n <= value;
  }
}

function compare(op: 'equals' | 'contains' | 'startswith' | 'endswith', text: string, value: string): boolean {
  switch (op) {
    case 'equals':
      return text === value;
    case 'contains':
      return text.includes(value);
    case 'startswith':
      return text.startsWith(value);
    case 'endswith':
      return text.endsWith(value);
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Glob matching without regular expressions: groups between `*` are fixed-width, so leftmost placement is optimal.
 * Works on code points (a `?` is one character, an emoji included).
 */
export function globMatch(glob: LoadedGlob, input: string): boolean {
  const text: ArrayLike<string> = SURROGATE.test(input) ? Array.from(input) : input;
  const groups = glob.groups;
  const first = groups[0]!;
  if (groups.length === 1) return first.length === text.length && groupAt(first, text, 0);
  const last = groups[groups.length - 1]!;
  if (first.length + last.length > text.length) return false;
  if (!groupAt(first, text, 0) || !groupAt(last, text, text.length - last.length)) return false;
  let pos = first.length;
  const end = text.length - last.length;
  for (let g = 1; g < groups.length - 1; g++) {
    const group = groups[g]!;
    let found = -1;
    for (let at = pos; at + group.length <= end; at++) {
      if (groupAt(group, text, at)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + group.length;
  }
  return true;
}

function groupAt(group: readonly (string | null)[], text: ArrayLike<string>, at: number): boolean {
  for (let i = 0; i < group.length; i++) {
    const c = group[i];
    if (c !== null && text[at + i] !== c) return false;
  }
  return true;
}

/** Calls `test` on every string value in a parsed record (any depth); true as soon as one passes. */
function someString(value: unknown, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) {
    for (const v of value) if (someString(v, test)) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const k in value) {
      if (Object.prototype.hasOwnProperty.call(value, k) && someString((value as Record<string, unknown>)[k], test)) return true;
    }
  }
  return false;
}

const NO_RECORD = new PlainRecordView(undefined);

/**
 * Could a matcher hold for a field whose value is this string? Used by the candidate index, so it errs towards
 * true: a `fieldref` (which needs the rest of the record) always could.
 */
export function couldMatchText(m: LoadedMatcher, value: string): boolean {
  if (m.kind === 'fieldref') return true;
  if (m.kind === 'any') return m.matchers.some((x) => couldMatchText(x, value));
  if (m.kind === 'all') return m.matchers.every((x) => couldMatchText(x, value));
  return matchValue(m, value, value, value.toLowerCase(), NO_RECORD);
}
