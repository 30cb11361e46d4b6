/**
 * Regular expressions from rules. JavaScript's engine backtracks and record values are attacker-controlled, so:
 * patterns of the shapes behind catastrophic backtracking (see regexRisk.ts) are rejected at compile time, and
 * the evaluator never lets a regex see more than MAX_REGEX_INPUT characters. The policy: docs/regex-policy.md.
 */
import type { Matcher } from './ir.ts';
import { RuleCompileError } from './errors.ts';
import { backtrackingRisk } from './regexRisk.ts';

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
  const risk = backtrackingRisk(source, flagText);
  if (risk) throw new RuleCompileError(`regular expression /${pattern}/ rejected: ${risk}`, path);
  return { kind: 're', pattern: source, flags: flagText };
}

/** Escapes that stand for one literal character (others, like `\\d` or `\\b`, are classes or assertions). */
const LITERAL_ESCAPE = /^[\\/.\-^$*+?()[\]{}|:#@%&!'"<>=,;~`]$/;

/**
 * What follows the backslash in an escape of more than one character: `\xHH`, `\uHHHH`, `\u{…}`, `\cX`, `\p{…}`,
 * `\k<name>`, and a back reference's or octal escape's digits. Such an escape counts as no literal: its letters and
 * digits are not text the value must contain.
 */
const LONG_ESCAPE_TAIL = /^(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|c[a-zA-Z]|[pP]\{[^}]*\}|k<[^>]*>|[0-9]+)/;

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
      const long = LONG_ESCAPE_TAIL.exec(pattern.slice(i + 1));
      if (long) i += long[0].length;
      else {
        i++;
        if (next !== undefined && LITERAL_ESCAPE.test(next)) literal = next;
      }
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
