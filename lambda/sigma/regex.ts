/**
 * Regular expressions from rules. JavaScript's engine backtracks and record values are attacker-controlled, so:
 * patterns with nested unbounded quantifiers (the shape of catastrophic backtracking, e.g. `(a+)+`, `(.*)*`) are
 * rejected at compile time, and the evaluator never lets a regex see more than MAX_REGEX_INPUT characters.
 */
import type { Matcher } from './ir.ts';
import { RuleCompileError } from './errors.ts';

/** Characters of a value a regular expression is run on; longer values are cut to this length first. */
export const MAX_REGEX_INPUT = 65_536;

/** Builds a `re` matcher: a leading inline flag group such as `(?i)` becomes a JavaScript flag. */
export function regexMatcher(pattern: string, modifierFlags: string, path: readonly (string | number)[]): Matcher {
  let source = pattern;
  const flags = new Set(modifierFlags.split('').filter(Boolean));
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1]!) flags.add(f);
    source = source.slice(inline[0].length);
  }
  const flagText = [...flags].sort().join('');
  try {
    new RegExp(source, flagText);
  } catch (err) {
    throw new RuleCompileError(`bad regular expression /${pattern}/: ${(err as Error).message}`, path, { cause: err });
  }
  const risk = backtrackingRisk(source);
  if (risk) throw new RuleCompileError(`regular expression /${pattern}/ rejected: ${risk}`, path);
  return { kind: 're', pattern: source, flags: flagText };
}

/**
 * Finds a group that is repeated without bound while it can itself repeat without bound (star height > 1),
 * the construct behind exponential backtracking. Returns a reason, or undefined when none is found.
 */
export function backtrackingRisk(source: string): string | undefined {
  // Stack of open groups: does the group contain an unbounded quantifier?
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const innerUnbounded = stack.pop() ?? false;
      const quant = unboundedQuantifierAt(source, i + 1);
      if (innerUnbounded && quant) {
        return `nested unbounded quantifier near '${source.slice(Math.max(0, i - 20), i + 1 + quant)}' can backtrack catastrophically`;
      }
      if ((innerUnbounded || quant) && stack.length > 0) stack[stack.length - 1] = true;
    } else if (unboundedQuantifierAt(source, i) && stack.length > 0) {
      stack[stack.length - 1] = true;
    }
  }
  return undefined;
}

/** Length of an unbounded quantifier (`*`, `+`, `{n,}`) starting at `i`, else 0. */
function unboundedQuantifierAt(source: string, i: number): number {
  const c = source[i];
  if (c === '*' || c === '+') return 1;
  if (c === '{') {
    const m = /^\{\d*,\}/.exec(source.slice(i));
    if (m) return m[0].length;
  }
  return 0;
}

/** Escapes that stand for one literal character (others, like `\\d` or `\\b`, are classes or assertions). */
const LITERAL_ESCAPE = /^[\\/.\-^$*+?()[\]{}|:#@%&!'"<>=,;~`]$/;

/**
 * The longest literal run every match of the pattern must contain, or undefined when none can be proven. Only
 * top-level text outside groups and classes counts; a top-level `|` voids it. Used as a cheap `includes` check
 * before the regex runs (`.+:assumed-role/aws:.+` costs microseconds a value; the check costs nanoseconds).
 */
export function requiredLiteral(pattern: string): string | undefined {
  let best = '';
  let run = '';
  let depth = 0;
  let inClass = false;
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    let literal: string | undefined;
    if (c === '\\') {
      const next = pattern[i + 1];
      i++;
      if (next !== undefined && LITERAL_ESCAPE.test(next)) literal = next;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|') {
      if (depth === 0) return undefined;
    } else if (c === '{') {
      // A quantifier's braces: skip its digits.
      const quantifier = /^\{\d*,?\d*\}/.exec(pattern.slice(i));
      if (quantifier) i += quantifier[0].length - 1;
    } else if (!'.^$*+?}'.includes(c)) {
      literal = c;
    }
    if (literal === undefined || depth > 0) {
      end();
      continue;
    }
    // A quantifier after the character decides whether it is required, and whether the run continues.
    const q = pattern[i + 1];
    if (q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(pattern.slice(i + 1)))) {
      end();
    } else if (q === '+' || q === '{') {
      run += literal;
      end();
    } else {
      run += literal;
    }
  }
  end();
  return best.length >= 3 ? best : undefined;
}
