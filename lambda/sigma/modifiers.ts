/** `field|mod1|mod2: value(s)` → one Matcher. All modifier strings are resolved here, once. */
import type { Matcher, StringOp } from './ir.ts';
import { RuleCompileError, UnsupportedFeatureError } from './errors.ts';
import { base64OffsetVariants, globMatcher, literalMatcher, parseWildcards, positionParts, utf16Bytes, WINDASH_MAX_DASHES, windashVariants } from './values.ts';
import type { Utf16Encoding } from './values.ts';
import { parseCidr } from './cidr.ts';
import { regexMatcher } from './regex.ts';
import { parseDecimal } from './numbers.ts';

export const MODIFIERS = [
  'contains', 'startswith', 'endswith', 'all', 'cased', 'neq', 'exists', 'fieldref', 'expand',
  're', 'i', 'm', 's', 'cidr', 'gt', 'gte', 'lt', 'lte',
  'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash',
] as const;
type Modifier = (typeof MODIFIERS)[number];
const KNOWN = new Set<string>(MODIFIERS);
/** Sigma 2.1 date-part modifiers: valid Sigma, not run here. */
const TIME_MODIFIERS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);

/** A scalar from the rule: numbers keep the text they were written with (`1.10` stays `1.10`). */
export class RuleNumber {
  constructor(readonly value: number, readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type RuleScalar = string | number | boolean | null | RuleNumber;
export type Placeholders = Readonly<Record<string, readonly string[]>>;

export interface ModifierContext {
  readonly path: readonly (string | number)[];
  readonly placeholders?: Placeholders;
}

const POSITION_OPS = ['contains', 'startswith', 'endswith'] as const;
const NUMERIC_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
const ENCODINGS = ['utf16le', 'utf16be', 'utf16', 'wide'] as const;

/** Builds the matcher of one detection entry; throws RuleCompileError / UnsupportedFeatureError with the place. */
export function buildMatcher(modifierList: readonly string[], raw: unknown, ctx: ModifierContext): Matcher {
  const path = ctx.path;
  for (const m of modifierList) {
    if (TIME_MODIFIERS.has(m)) throw new UnsupportedFeatureError(`time modifier '${m}'`, path);
    if (!KNOWN.has(m)) throw new RuleCompileError(`unknown modifier '${m}'`, path);
  }
  const mods = new Set(modifierList as Modifier[]);
  if (mods.size !== modifierList.length) throw new RuleCompileError('a modifier is repeated', path);
  const has = (m: Modifier) => mods.has(m);
  const positions = POSITION_OPS.filter(has);
  if (positions.length > 1) throw new RuleCompileError(`modifiers ${positions.join(' and ')} exclude each other`, path);
  const op: StringOp = positions[0] ?? 'equals';
  for (const flag of ['i', 'm', 's'] as const) {
    if (has(flag) && !has('re')) throw new RuleCompileError(`modifier '${flag}' only applies to 're'`, path);
  }

  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof RuleNumber)) {
    throw new RuleCompileError('a nested map is not a valid value (write the dotted field name instead)', path);
  }
  const listed = Array.isArray(raw);
  let values = (listed ? raw : [raw]) as unknown[];
  values.forEach((v, i) => {
    if (Array.isArray(v)) throw new RuleCompileError('a list value must be a scalar, not a list', [...path, i]);
    if (v !== null && typeof v === 'object' && !(v instanceof RuleNumber)) {
      // Not Sigma, but some packs write it meaning "a member object with these fields": say how to write it.
      throw new UnsupportedFeatureError('a map inside a value list (structural object match; write each nested field as a dotted name instead)', [...path, i]);
    }
  });
  if (has('all') && (!listed || values.length < 2)) {
    throw new RuleCompileError("modifier 'all' needs a list of two or more values", path);
  }

  if (has('exists')) {
    if (mods.size > 1) throw new RuleCompileError("modifier 'exists' cannot be combined with other modifiers", path);
    if (values.length !== 1 || typeof values[0] !== 'boolean') {
      throw new RuleCompileError("modifier 'exists' takes true or false", path);
    }
    return { kind: 'exists', exists: values[0] };
  }

  if (has('expand')) values = expandPlaceholders(values, ctx);

  const combine = (matchers: Matcher[]): Matcher => {
    const m: Matcher = matchers.length === 1 && !has('all')
      ? matchers[0]!
      : { kind: has('all') ? 'all' : 'any', matchers };
    return has('neq') ? { kind: 'not', matcher: m } : m;
  };

  if (values.some((v) => v === null)) {
    if (mods.size > 0) throw new RuleCompileError(`null cannot be used with modifiers (${modifierList.join('|')})`, path);
  }

  if (has('fieldref')) {
    exclusive(mods, 'fieldref', ['contains', 'startswith', 'endswith', 'cased', 'all', 'neq'], path);
    return combine(values.map((v, i) => {
      if (typeof v !== 'string' || !v) throw new RuleCompileError("modifier 'fieldref' takes field names", [...path, i]);
      return { kind: 'fieldref', op, field: v, cased: has('cased') } satisfies Matcher;
    }));
  }

  if (has('re')) {
    exclusive(mods, 're', ['i', 'm', 's', 'all', 'neq'], path);
    return combine(values.map((v, i) => {
      if (typeof v !== 'string') throw new RuleCompileError("modifier 're' takes a string pattern", [...path, i]);
      const flags = (['i', 'm', 's'] as const).filter(has).join('');
      return regexMatcher(v, flags, [...path, i]);
    }));
  }

  if (has('cidr')) {
    exclusive(mods, 'cidr', ['all', 'neq'], path);
    return combine(values.map((v, i) => {
      const parsed = typeof v === 'string' ? parseCidr(v) : undefined;
      if (!parsed) throw new RuleCompileError(`'${String(v)}' is not an IPv4 or IPv6 network`, [...path, i]);
      return { kind: 'cidr', ...parsed } satisfies Matcher;
    }));
  }

  const numeric = NUMERIC_OPS.filter(has);
  if (numeric.length > 0) {
    if (numeric.length > 1) throw new RuleCompileError(`modifiers ${numeric.join(' and ')} exclude each other`, path);
    exclusive(mods, numeric[0]!, ['all', 'neq'], path);
    return combine(values.map((v, i) => {
      const n = v instanceof RuleNumber ? v.value : parseDecimal(v);
      if (!Number.isFinite(n)) throw new RuleCompileError(`modifier '${numeric[0]}' takes a number, got '${String(v)}'`, [...path, i]);
      return { kind: 'number', op: numeric[0]!, value: n } satisfies Matcher;
    }));
  }

  const encodings = ENCODINGS.filter(has);
  if (encodings.length > 1) throw new RuleCompileError(`modifiers ${encodings.join(' and ')} exclude each other`, path);
  if (has('base64') && has('base64offset')) throw new RuleCompileError('modifiers base64 and base64offset exclude each other', path);
  if (encodings.length > 0 && !has('base64') && !has('base64offset')) {
    throw new UnsupportedFeatureError(`modifier '${encodings[0]}' without base64 (raw UTF-16 never appears in CloudTrail JSON)`, path);
  }
  const cased = has('cased');
  const plainEquality = mods.size === 0 || (mods.size === 1 && (has('neq') || has('all')));
  const perValue = values.map((v): Matcher => {
    if (v === null) return { kind: 'null' };
    if (plainEquality && (v instanceof RuleNumber || typeof v === 'number')) {
      // A number in the rule equals the same number in the record, however written (`1.10`, `"1.1"`, `0123`).
      return { kind: 'number', op: 'eq', value: v instanceof RuleNumber ? v.value : v };
    }
    const text = String(v);
    if (has('windash') && text.split('-').length - 1 > WINDASH_MAX_DASHES) {
      throw new UnsupportedFeatureError(`windash on a value with more than ${WINDASH_MAX_DASHES} dashes (too many combinations)`, path);
    }
    const variants = (has('windash') ? windashVariants(text) : [text]).flatMap((variant): Matcher[] => {
      if (!has('base64') && !has('base64offset')) return [globMatcher(positionParts(parseWildcards(variant), op), cased)];
      const enc = encodings[0];
      const bytes = enc ? utf16Bytes(variant, enc === 'wide' ? 'utf16le' : (enc as Utf16Encoding)) : Buffer.from(variant, 'utf8');
      const encoded = has('base64') ? [bytes.toString('base64')] : base64OffsetVariants(bytes);
      // Base64 text is case-significant: match it as written.
      return encoded.map((e) => literalMatcher(e, op, true));
    });
    return variants.length === 1 ? variants[0]! : { kind: 'any', matchers: variants };
  });
  return combine(perValue);
}
function exclusive(mods: Set<Modifier>, main: Modifier, allowed: readonly Modifier[], path: readonly (string | number)[]) {
  for (const m of mods) {
    if (m !== main && !allowed.includes(m)) {
      throw new RuleCompileError(`modifier '${m}' cannot be combined with '${main}'`, path);
    }
  }
}

/** `expand`: each `%name%` becomes every value configured for it; an unknown name makes the rule unsupported. */
function expandPlaceholders(values: unknown[], ctx: ModifierContext): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (typeof v !== 'string') {
      out.push(v);
      continue;
    }
    let variants = [''];
    // `\%` is a literal percent sign, never the start of a placeholder (Sigma spec, "Placeholders").
    const pieces = v.split(/((?<!\\)%[^%\s]+%)/);
    for (const piece of pieces) {
      const name = /^%([^%\s]+)%$/.exec(piece)?.[1];
      if (name === undefined) {
        variants = variants.map((x) => x + piece.replace(/\\%/g, '%'));
        continue;
      }
      const replacements = ctx.placeholders?.[name];
      if (!replacements) throw new UnsupportedFeatureError(`placeholder %${name}% is not defined (expand modifier)`, ctx.path);
      variants = variants.flatMap((x) => replacements.map((r) => x + r));
    }
    out.push(...variants);
  }
  return out;
}
