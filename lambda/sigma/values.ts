/**
 * Sigma string values → matchers: wildcard and escape parsing, the `contains`/`startswith`/`endswith` positions,
 * and the encoding modifiers (windash, utf16, base64, base64offset) that turn one value into literal variants.
 */
import type { GlobPart, Matcher, StringOp } from './ir.ts';

const STAR = { wildcard: '*' } as const;
const QMARK = { wildcard: '?' } as const;

/**
 * Splits a Sigma string into literal runs and wildcards. `\*`, `\?` and `\\` are the escaped characters;
 * a backslash before anything else stays a backslash (Sigma spec, "Escaping").
 */
export function parseWildcards(value: string): GlobPart[] {
  const parts: GlobPart[] = [];
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else {
        literal += c;
      }
    } else if (c === '*' || c === '?') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(c === '*' ? STAR : QMARK);
    } else {
      literal += c;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

/** Adds the implicit `*` of `contains`/`startswith`/`endswith` around already-parsed parts. */
export function positionParts(parts: GlobPart[], op: StringOp): GlobPart[] {
  const lead = op === 'contains' || op === 'endswith';
  const trail = op === 'contains' || op === 'startswith';
  return [...(lead ? [STAR] : []), ...parts, ...(trail ? [STAR] : [])];
}

/**
 * The cheapest matcher equivalent to a glob: plain equality or a prefix/suffix/substring test where the wildcards
 * allow it, a glob otherwise. Literals are lower-cased here unless `cased`, so the evaluator lower-cases only the
 * record's value.
 */
export function globMatcher(input: GlobPart[], cased: boolean): Matcher {
  const parts: GlobPart[] = [];
  for (const p of input) {
    const last = parts[parts.length - 1];
    if (typeof p === 'string') {
      const lit = cased ? p : p.toLowerCase();
      if (typeof last === 'string') parts[parts.length - 1] = last + lit;
      else parts.push(lit);
    } else if (!(p.wildcard === '*' && last !== undefined && typeof last !== 'string' && last.wildcard === '*')) {
      parts.push(p);
    }
  }
  const literals = parts.filter((p): p is string => typeof p === 'string');
  const wildcards = parts.length - literals.length;
  const isStar = (p: GlobPart | undefined) => p !== undefined && typeof p !== 'string' && p.wildcard === '*';
  if (wildcards === 0) return { kind: 'string', op: 'equals', value: literals.join(''), cased };
  if (literals.length === 1 && parts.every((p) => typeof p === 'string' || p.wildcard === '*')) {
    const value = literals[0]!;
    const lead = isStar(parts[0]);
    const trail = isStar(parts[parts.length - 1]);
    if (lead && trail && parts.length === 3) return { kind: 'string', op: 'contains', value, cased };
    if (!lead && trail && parts.length === 2) return { kind: 'string', op: 'startswith', value, cased };
    if (lead && !trail && parts.length === 2) return { kind: 'string', op: 'endswith', value, cased };
  }
  return { kind: 'glob', parts, cased };
}

/** A value taken literally (after an encoding modifier): the position op applies, wildcards do not. */
export function literalMatcher(value: string, op: StringOp, cased: boolean): Matcher {
  return { kind: 'string', op, value: cased ? value : value.toLowerCase(), cased };
}

/** The dash characters `windash` permutes: hyphen-minus, slash, en dash, em dash, horizontal bar. */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
/** Most dashes `windash` expands in one value (5^5 = 3125 variants). */
export const WINDASH_MAX_DASHES = 5;

/** `windash`: every `-` of the value is replaced by each dash character, in all combinations (as rsigma does). */
export function windashVariants(value: string): string[] {
  let variants = [''];
  for (const c of value) {
    const options = c === '-' ? WINDASH_CHARS : [c];
    variants = variants.flatMap((v) => options.map((o) => v + o));
  }
  return variants;
}

export type Utf16Encoding = 'utf16le' | 'utf16be' | 'utf16';

/** UTF-16 bytes of a value; `utf16` adds the little-endian byte order mark, as the spec says. */
export function utf16Bytes(value: string, encoding: Utf16Encoding): Buffer {
  const le = Buffer.from(value, 'utf16le');
  if (encoding === 'utf16le') return le;
  if (encoding === 'utf16') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
}

/**
 * `base64offset`: the three base64 forms of a value that may sit at any byte offset inside a larger encoded
 * text, each trimmed of the characters that depend on the unknown neighbouring bytes.
 */
export function base64OffsetVariants(bytes: Buffer): string[] {
  const startTrim = [0, 2, 3];
  const endTrim = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.concat([Buffer.alloc(i), bytes]).toString('base64');
    const end = encoded.length - endTrim[(bytes.length + i) % 3]!;
    out.push(encoded.slice(startTrim[i], end));
  }
  return out;
}
