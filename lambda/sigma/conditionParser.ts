/**
 * The Sigma condition grammar → Condition, with `x of` patterns expanded against the rule's search identifiers.
 * Precedence, loosest to tightest: `or`, `and`, `not`, `x of`, parentheses (Sigma spec, "Condition").
 */
import type { Condition } from './ir.ts';
import { RuleCompileError, UnsupportedFeatureError } from './errors.ts';

type Token = { type: 'word' | '(' | ')' | '|'; text: string; pos: number };

function tokenize(text: string, path: readonly (string | number)[]): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\()|(\))|(\|)|([^\s()|]+))/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '') break;
    const pos = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').length;
    if (m[1]) tokens.push({ type: '(', text: '(', pos });
    else if (m[2]) tokens.push({ type: ')', text: ')', pos });
    else if (m[3]) tokens.push({ type: '|', text: '|', pos });
    else if (m[4]) tokens.push({ type: 'word', text: m[4], pos });
    last = re.lastIndex;
  }
  if (text.slice(last).trim() !== '') throw new RuleCompileError(`cannot read condition at '${text.slice(last)}'`, path);
  return tokens;
}

const isKeyword = (t: Token | undefined, word: string) => t?.type === 'word' && t.text.toLowerCase() === word;

/** Does `name` fit a pattern whose only wildcard is `*`? Linear: fixed parts placed leftmost, no regex. */
function fitsPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!name.startsWith(first) || !name.endsWith(last) || first.length + last.length > name.length) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = name.indexOf(parts[i]!, at);
    if (found < 0 || found + parts[i]!.length > end) return false;
    at = found + parts[i]!.length;
  }
  return true;
}

/** Identifier names matched by a pattern; `*` is the only wildcard in identifier patterns. */
function matchIdentifiers(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  return names.filter((n) => fitsPattern(pattern, n));
}

/** Parses one condition string; `names` are the rule's search identifiers. */
export function parseCondition(text: string, names: readonly string[], path: readonly (string | number)[]): Condition {
  const tokens = tokenize(text, path);
  let i = 0;
  const fail = (msg: string): never => {
    throw new RuleCompileError(`condition '${text}': ${msg}`, path);
  };
  const peek = () => tokens[i];

  const parseOr = (): Condition => {
    const args = [parseAnd()];
    while (isKeyword(peek(), 'or')) {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  const parseAnd = (): Condition => {
    const args = [parseNot()];
    while (isKeyword(peek(), 'and')) {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  let depth = 0;
  const nested = <T>(parse: () => T): T => {
    if (++depth > MAX_CONDITION_DEPTH) fail(`nested more than ${MAX_CONDITION_DEPTH} levels deep`);
    try {
      return parse();
    } finally {
      depth--;
    }
  };
  const parseNot = (): Condition => {
    if (isKeyword(peek(), 'not')) {
      i++;
      return nested(() => ({ op: 'not', arg: parseNot() }));
    }
    return parseAtom();
  };
  const parseAtom = (): Condition => {
    const t = peek();
    if (!t) return fail('ends too early');
    if (t.type === '(') {
      i++;
      const inner = nested(parseOr);
      if (peek()?.type !== ')') fail(`missing ')' for '(' at ${t.pos}`);
      i++;
      return inner;
    }
    if (t.type !== 'word') return fail(`unexpected '${t.text}' at ${t.pos}`);
    const quantifier = t.text.toLowerCase();
    if (isKeyword(tokens[i + 1], 'of') && (quantifier === 'all' || quantifier === 'any' || /^\d+$/.test(quantifier))) {
      const target = tokens[i + 2];
      if (target?.type !== 'word') return fail(`'${t.text} of' needs an identifier pattern or 'them'`);
      i += 3;
      const matched = matchIdentifiers(target.text, names);
      if (matched.length === 0) fail(`'${target.text}' matches no search identifier`);
      const args: Condition[] = matched.map((name) => ({ op: 'ref', name }));
      if (quantifier === 'all') return args.length === 1 ? args[0]! : { op: 'and', args };
      const n = quantifier === 'any' ? 1 : Number(quantifier);
      if (n === 0) fail(`'0 of' is not meaningful`);
      if (n === 1) return args.length === 1 ? args[0]! : { op: 'or', args };
      if (n > args.length) return { op: 'const', value: false };
      if (combinations(args.length, n) > MAX_COMBINATIONS) {
        throw new UnsupportedFeatureError(`'${t.text} of' over ${args.length} identifiers (more than ${MAX_COMBINATIONS} combinations)`, path);
      }
      return atLeast(n, args);
    }
    if (['and', 'or', 'not', 'of'].includes(quantifier)) fail(`unexpected '${t.text}' at ${t.pos}`);
    i++;
    if (!names.includes(t.text)) fail(`'${t.text}' is not a search identifier of this rule`);
    return { op: 'ref', name: t.text };
  };

  if (tokens.some((t) => t.type === '|')) {
    throw new UnsupportedFeatureError('legacy aggregation in condition (`| count() …`; use a correlation rule)', path);
  }
  if (tokens.some((t) => isKeyword(t, 'near'))) {
    throw new UnsupportedFeatureError('legacy `near` condition (use a temporal correlation rule)', path);
  }
  if (tokens.length === 0) fail('is empty');
  const result = parseOr();
  if (i < tokens.length) fail(`unexpected '${tokens[i]!.text}' at ${tokens[i]!.pos}`);
  return result;
}

/** Parentheses and `not` nested deeper than this make a rule invalid (real rules nest a few levels). */
const MAX_CONDITION_DEPTH = 64;
/** `N of` is expanded into combinations; past this many the rule is reported instead of expanded. */
const MAX_COMBINATIONS = 10_000;

function combinations(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) {
    c = (c * (n - i)) / (i + 1);
    if (c > MAX_COMBINATIONS) return c;
  }
  return c;
}

/** `N of` with N > 1: an OR over every combination of N identifiers, each an AND. */
function atLeast(n: number, args: Condition[]): Condition {
  const combos: Condition[] = [];
  const pick = (start: number, chosen: Condition[]) => {
    if (chosen.length === n) {
      combos.push({ op: 'and', args: chosen });
      return;
    }
    for (let k = start; k < args.length; k++) pick(k + 1, [...chosen, args[k]!]);
  };
  pick(0, []);
  return { op: 'or', args: combos };
}
