/**
 * CompiledRule (JSON) → LoadedRule: regular expressions built, networks parsed, paths split, and (when the
 * optimising passes are on) value lists of plain equalities turned into sets. Runs once at cold start.
 */
import type { CompiledRule, Condition, Detection, GlobPart, Matcher, NumberOp, RuleMeta, StringOp } from './ir.ts';
import { parseIp } from './cidr.ts';
import { requiredLiteral } from './regex.ts';

export interface FieldPath {
  readonly full: string;
  readonly segments: readonly string[];
  /** `suffixes[i]` is `segments.slice(i).join('.')`: the literal dotted key tried first at depth i. */
  readonly suffixes: readonly string[];
}

/**
 * A glob split at `*` into fixed-width groups of code points and `?` (null). The first group is anchored at the
 * start, the last at the end; with one group the whole value must match it.
 */
export interface LoadedGlob {
  readonly groups: readonly (readonly (string | null)[])[];
}

export type LoadedMatcher =
  | { kind: 'string'; op: StringOp; value: string; cased: boolean }
  | { kind: 'set'; values: ReadonlySet<string>; cased: boolean }
  | { kind: 'glob'; glob: LoadedGlob; cased: boolean }
  /** `required`: a literal every match contains, checked with `includes` first (lower-cased with the i flag). */
  | { kind: 're'; regex: RegExp; required?: string; ignoreCase: boolean }
  | { kind: 'cidr'; network: Uint8Array; prefix: number }
  | { kind: 'number'; op: NumberOp; value: number }
  | { kind: 'fieldref'; op: StringOp; path: FieldPath; cased: boolean }
  | { kind: 'null' }
  | { kind: 'exists'; exists: boolean }
  /** `wholeField`: some alternative needs the whole field (null, exists, all, neq), decided once at load. */
  | { kind: 'any'; matchers: LoadedMatcher[]; wholeField: boolean }
  | { kind: 'all'; matchers: LoadedMatcher[] }
  | { kind: 'not'; matcher: LoadedMatcher };

export interface LoadedFieldTest {
  readonly path: FieldPath;
  readonly matcher: LoadedMatcher;
  /** Whether the matcher compares text, and whether it needs the value lower-cased. */
  readonly needsText: boolean;
  readonly needsLower: boolean;
}

/** The verdict of a detection for the record being evaluated (`epoch` names that record; 0: none yet). */
export interface DetectionMemo {
  epoch: number;
  verdict: boolean;
}

export type LoadedDetection = (
  | { kind: 'fields'; anyOf: LoadedFieldTest[][] }
  | { kind: 'keywords'; matcher: LoadedMatcher; needsLower: boolean }
) & { readonly memo: DetectionMemo };

export interface LoadedRule {
  readonly rule: CompiledRule;
  readonly meta: RuleMeta;
  readonly detections: ReadonlyMap<string, LoadedDetection>;
  readonly condition: Condition;
}

export interface LoadOptions {
  /** Merge lists of plain case-insensitive equalities into one set lookup. @default true */
  readonly mergeEqualsIntoSet?: boolean;
  /** Test the cheapest fields of a selection first (top-level before nested paths). @default true */
  readonly orderTestsByCost?: boolean;
}

/**
 * A detection shared by rules (one object: see detectionSharing.ts) is loaded once, so a record evaluates it once
 * (see evaluate's memo).
 */
export type DetectionPool = Map<Detection, LoadedDetection>;

const pathCache = new Map<string, FieldPath>();

/** Splits a dotted field name once; shared between rules. */
export function fieldPath(full: string): FieldPath {
  let p = pathCache.get(full);
  if (!p) {
    const segments = full.split('.');
    p = { full, segments, suffixes: segments.map((_, i) => segments.slice(i).join('.')) };
    pathCache.set(full, p);
  }
  return p;
}

function loadGlob(parts: readonly GlobPart[]): LoadedGlob {
  const groups: (string | null)[][] = [[]];
  for (const p of parts) {
    if (typeof p === 'string') groups[groups.length - 1]!.push(...Array.from(p));
    else if (p.wildcard === '?') groups[groups.length - 1]!.push(null);
    else groups.push([]);
  }
  return { groups };
}

export function loadMatcher(m: Matcher, options: LoadOptions = {}): LoadedMatcher {
  switch (m.kind) {
    case 'string':
    case 'null':
    case 'exists':
    case 'number':
      return m;
    case 'glob':
      return { kind: 'glob', glob: loadGlob(m.parts), cased: m.cased };
    case 're': {
      const ignoreCase = m.flags.includes('i');
      const literal = requiredLiteral(m.pattern);
      // With the i flag only ASCII literals are pre-checked: toLowerCase and the regex's case folding agree there.
      const required = literal && (!ignoreCase || /^[\x20-\x7e]*$/.test(literal)) ? (ignoreCase ? literal.toLowerCase() : literal) : undefined;
      return { kind: 're', regex: new RegExp(m.pattern, m.flags), ignoreCase, ...(required ? { required } : {}) };
    }
    case 'cidr': {
      // The compiler checked it; a bundle edited or damaged since must fail here, not on every record.
      const network = parseIp(String(m.network));
      if (!network) throw new Error(`cidr network '${String(m.network)}' is not an IP address`);
      return { kind: 'cidr', network, prefix: m.prefix };
    }
    case 'fieldref':
      return { kind: 'fieldref', op: m.op, path: fieldPath(m.field), cased: m.cased };
    case 'not':
      return { kind: 'not', matcher: loadMatcher(m.matcher, options) };
    case 'all':
      return { kind: 'all', matchers: m.matchers.map((x) => loadMatcher(x, options)) };
    case 'any': {
      const inner = m.matchers.map((x) => loadMatcher(x, options));
      if (options.mergeEqualsIntoSet === false) return anyOf(inner);
      return mergeEqualsIntoSet(inner);
    }
  }
}

/** Alternatives whose verdict needs the whole field rather than one value at a time. */
const needsWholeField = (m: LoadedMatcher): boolean =>
  m.kind === 'null' || m.kind === 'exists' || m.kind === 'all' || m.kind === 'not' || (m.kind === 'any' && m.wholeField);

function anyOf(matchers: LoadedMatcher[]): LoadedMatcher {
  return { kind: 'any', matchers, wholeField: matchers.some(needsWholeField) };
}

/** Pass: `[a, b, c]` of plain equalities (same case mode) → one set lookup; other alternatives stay. */
function mergeEqualsIntoSet(inner: LoadedMatcher[]): LoadedMatcher {
  const out: LoadedMatcher[] = [];
  for (const cased of [false, true]) {
    const equals = inner.filter((x): x is Extract<LoadedMatcher, { kind: 'string' }> => x.kind === 'string' && x.op === 'equals' && x.cased === cased);
    if (equals.length >= 3) out.push({ kind: 'set', values: new Set(equals.map((x) => x.value)), cased });
    else out.push(...equals);
  }
  out.push(...inner.filter((x) => !(x.kind === 'string' && x.op === 'equals')));
  return out.length === 1 ? out[0]! : anyOf(out);
}

/** Does the matcher read the value's text, and the lower-cased text? */
export function textNeeds(m: LoadedMatcher): { text: boolean; lower: boolean } {
  switch (m.kind) {
    case 'string':
    case 'set':
    case 'glob':
    case 'fieldref':
      return { text: true, lower: !m.cased };
    case 're':
      return { text: true, lower: m.ignoreCase && m.required !== undefined };
    case 'cidr':
      return { text: true, lower: false };
    case 'number':
    case 'null':
    case 'exists':
      return { text: false, lower: false };
    case 'not':
      return textNeeds(m.matcher);
    case 'any':
    case 'all': {
      const needs = m.matchers.map(textNeeds);
      return { text: needs.some((n) => n.text), lower: needs.some((n) => n.lower) };
    }
  }
}

/**
 * What reading a field costs, in order: a top-level value; a field inside `userIdentity` (the same few principals
 * record after record: parsed once per distinct value, see valueTable.ts); a field inside any other value
 * (`requestParameters`, `responseElements`: different in nearly every record, parsed each time).
 */
function readCost(path: FieldPath): number {
  if (path.segments.length === 1) return 0;
  return path.segments[0] === 'userIdentity' ? 1 : 2;
}

/** Pass: within one selection map, the cheapest fields to read first (readCost); the order is otherwise stable. */
function orderTestsByCost(tests: LoadedFieldTest[]): LoadedFieldTest[] {
  return [...tests].sort((a, b) => readCost(a.path) - readCost(b.path));
}

function loadDetection(d: Detection, options: LoadOptions): LoadedDetection {
  const memo = { epoch: 0, verdict: false };
  if (d.kind === 'keywords') {
    const matcher = loadMatcher(d.matcher, options);
    return { kind: 'keywords', matcher, needsLower: textNeeds(matcher).lower, memo };
  }
  return {
    kind: 'fields',
    memo,
    anyOf: d.anyOf.map((tests) => {
      const loaded = tests.map((t): LoadedFieldTest => {
        const matcher = loadMatcher(t.matcher, options);
        const needs = textNeeds(matcher);
        return { path: fieldPath(t.field), matcher, needsText: needs.text, needsLower: needs.lower };
      });
      return options.orderTestsByCost === false ? loaded : orderTestsByCost(loaded);
    }),
  };
}

/** Prepares one compiled rule for evaluation; with a pool, identical detections are shared between rules. */
export function loadRule(rule: CompiledRule, options: LoadOptions = {}, pool?: DetectionPool): LoadedRule {
  const detections = new Map<string, LoadedDetection>();
  for (const [name, d] of Object.entries(rule.detections)) {
    let loaded = pool?.get(d);
    if (!loaded) {
      loaded = loadDetection(d, options);
      pool?.set(d, loaded);
    }
    detections.set(name, loaded);
  }
  return { rule, meta: rule.meta, detections, condition: rule.condition };
}
