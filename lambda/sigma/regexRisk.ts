/**
 * Finds the shapes of regular expression that make a backtracking engine (JavaScript's) take exponential time,
 * so rules using them are rejected when they are compiled (docs/regex-policy.md):
 *   1. a repeated group that itself repeats without bound: `(a+)+`, `(.*)*` (star height above one);
 *   2. a repeated group whose alternatives can start alike: `(a|a)*`, `(\w|\d)+`, `(ab|a)*`;
 *   3. many counted iterations of a part that can match nothing or varies in length: `(a?){25}`, `(.*a){20}`;
 *   4. three or more unbounded repeats side by side over the same characters: `\w*\w*\w*`.
 * The check is conservative (it may reject a pattern that would in fact be fast) and works on a parse of the
 * pattern, comparing character sets over a fixed sample of characters (ASCII plus some beyond it).
 */

/** Counted repeats longer than this behave like unbounded ones for backtracking. */
const LARGE_COUNT = 100;
/** Unbounded repeats side by side over the same characters: this many are rejected. */
const MAX_ADJACENT_REPEATS = 3;
/** More counted iterations than this, each able to match nothing, are rejected (2^16 ways is still fast). */
const MAX_EMPTY_ITERATIONS = 16;

/** The characters sets are compared on: every ASCII character and a few beyond (Latin-1, case-fold specials, CJK). */
const SAMPLE = [
  ...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)),
  '\u00a0', '\u00e9', '\u0130', '\u017f', '\u2028', '\u212a', '\u4e2d', '\ufeff', '\ufffd', '\ud83d',
];
type CharSet = bigint;
const ALL: CharSet = (1n << BigInt(SAMPLE.length)) - 1n;

type Node =
  | { t: 'char'; set: CharSet; at: number; end: number }
  | { t: 'seq'; items: Node[]; at: number; end: number }
  | { t: 'alt'; alts: Node[]; at: number; end: number }
  | { t: 'group'; body: Node; look: boolean; at: number; end: number }
  | { t: 'repeat'; body: Node; min: number; max: number; counted: boolean; at: number; end: number }
  | { t: 'assert'; at: number; end: number }
  | { t: 'backref'; at: number; end: number };

const setCache = new Map<string, CharSet>();

/** The sample characters one atom (a literal, an escape, a class or `.`) matches under `flags`. */
function charSet(atom: string, flags: string): CharSet {
  const id = `${flags}\u0000${atom}`;
  let set = setCache.get(id);
  if (set === undefined) {
    const re = new RegExp(`^(?:${atom})$`, flags.replace(/[gmy]/g, ''));
    set = 0n;
    SAMPLE.forEach((c, i) => {
      if (re.test(c)) set! |= 1n << BigInt(i);
    });
    setCache.set(id, set);
  }
  return set;
}

const escapeLiteral = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A recursive-descent parse of a pattern RegExp already accepted (so it is well-formed). */
class Parser {
  private i = 0;
  constructor(private readonly src: string, private readonly flags: string) {}

  parse(): Node {
    return this.alternation();
  }

  private alternation(): Node {
    const at = this.i;
    const alts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts, at, end: this.i };
  }

  private sequence(): Node {
    const at = this.i;
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return { t: 'seq', items, at, end: this.i };
  }

  private quantified(body: Node): Node {
    const rest = this.src.slice(this.i);
    let min: number;
    let max: number;
    const counted = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (rest[0] === '*') [min, max] = [0, Infinity];
    else if (rest[0] === '+') [min, max] = [1, Infinity];
    else if (rest[0] === '?') [min, max] = [0, 1];
    else if (counted) {
      min = Number(counted[1]);
      max = counted[2] === undefined ? min : counted[3] ? Number(counted[3]) : Infinity;
    } else return body;
    this.i += counted ? counted[0].length : 1;
    if (this.src[this.i] === '?') this.i++;
    const large = max > LARGE_COUNT;
    return this.quantified({ t: 'repeat', body, min, max: large ? Infinity : max, counted: Boolean(counted) && (large || max > 1), at: body.at, end: this.i });
  }

  private atom(): Node {
    const at = this.i;
    const c = this.src[this.i]!;
    if (c === '(') return this.group();
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'assert', at, end: this.i };
    }
    if (c === '[') return this.char(this.classEnd() - at);
    if (c === '.') return this.char(1);
    if (c === '\\') return this.escape();
    this.i++;
    return { t: 'char', set: charSet(escapeLiteral(c), this.flags), at, end: this.i };
  }

  private char(length: number): Node {
    const at = this.i;
    this.i += length;
    return { t: 'char', set: charSet(this.src.slice(at, this.i), this.flags), at, end: this.i };
  }

  /** Index just past the `]` closing the class that starts here. */
  private classEnd(): number {
    let j = this.i + 1;
    if (this.src[j] === '^') j++;
    for (; j < this.src.length; j++) {
      if (this.src[j] === '\\') j++;
      else if (this.src[j] === ']') return j + 1;
    }
    return this.src.length;
  }

  private escape(): Node {
    const at = this.i;
    const next = this.src[this.i + 1] ?? '';
    if (next === 'b' || next === 'B') {
      this.i += 2;
      return { t: 'assert', at, end: this.i };
    }
    const backref = /^\\([1-9]\d*|k<[^>]+>)/.exec(this.src.slice(this.i));
    if (backref) {
      this.i += backref[0].length;
      return { t: 'backref', at, end: this.i };
    }
    const long = /^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|c[A-Za-z]|0)/.exec(this.src.slice(this.i));
    return this.char(long ? long[0].length : 2);
  }

  private group(): Node {
    const at = this.i;
    const head = /^\((\?(:|=|!|<=|<!|<[^>=!]+>))?/.exec(this.src.slice(this.i))!;
    this.i += head[0].length;
    const look = head[2] !== undefined && ['=', '!', '<=', '<!'].includes(head[2]);
    const body = this.alternation();
    this.i++; // ')'
    return { t: 'group', body, look, at, end: this.i };
  }
}

function nullable(n: Node): boolean {
  switch (n.t) {
    case 'char': return false;
    case 'seq': return n.items.every(nullable);
    case 'alt': return n.alts.some(nullable);
    case 'group': return n.look || nullable(n.body);
    case 'repeat': return n.min === 0 || nullable(n.body);
    default: return true;
  }
}

/** The characters a non-empty match of the node can start with. */
function first(n: Node): CharSet {
  switch (n.t) {
    case 'char': return n.set;
    case 'seq': {
      let s = 0n;
      for (const x of n.items) {
        s |= first(x);
        if (!nullable(x)) break;
      }
      return s;
    }
    case 'alt': return n.alts.reduce((s, x) => s | first(x), 0n);
    case 'group': return n.look ? 0n : first(n.body);
    case 'repeat': return first(n.body);
    case 'backref': return ALL;
    default: return 0n;
  }
}

function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'seq': return n.items.some(hasUnbounded);
    case 'alt': return n.alts.some(hasUnbounded);
    case 'group': return hasUnbounded(n.body);
    case 'repeat': return n.max === Infinity || hasUnbounded(n.body);
    default: return false;
  }
}

/** Can the node match texts of different lengths (it holds a repeat whose count is not fixed)? */
function varies(n: Node): boolean {
  switch (n.t) {
    case 'seq': return n.items.some(varies);
    case 'alt': return true;
    case 'group': return varies(n.body);
    case 'repeat': return n.min !== n.max || varies(n.body);
    default: return false;
  }
}

/** A non-capturing or capturing group around a single sequence is that sequence. */
function unwrap(n: Node): Node {
  return n.t === 'group' && !n.look ? unwrap(n.body) : n;
}

class Checker {
  constructor(private readonly src: string) {}

  private near(n: Node): string {
    return this.src.slice(n.at, n.end);
  }

  /** The first risk found in `n`, outermost first. */
  check(n: Node): string | undefined {
    switch (n.t) {
      case 'seq': return this.adjacentRepeats(n.items) ?? this.firstOf(n.items);
      case 'alt': return this.firstOf(n.alts);
      case 'group': return this.check(n.body);
      case 'repeat': return this.repeat(n);
      default: return undefined;
    }
  }

  private firstOf(nodes: readonly Node[]): string | undefined {
    for (const x of nodes) {
      const risk = this.check(x);
      if (risk) return risk;
    }
    return undefined;
  }

  /**
   * Three or more unbounded repeats side by side over overlapping characters (`\w*\w*\w*`): the text can be split
   * among them in polynomially many ways of high degree, which is as bad as exponential on 64 KB values.
   */
  private adjacentRepeats(items: readonly Node[]): string | undefined {
    let run: Node[] = [];
    for (const x of items) {
      const r = unwrap(x);
      if (r.t === 'repeat' && r.max === Infinity && (run.length === 0 || run.every((y) => first(y) & first(r)))) {
        run.push(r);
        if (run.length >= MAX_ADJACENT_REPEATS) {
          return `${run.length} unbounded repeats side by side over the same characters near '${this.src.slice(run[0]!.at, r.end)}' (polynomial backtracking of high degree)`;
        }
      } else {
        run = r.t === 'repeat' && r.max === Infinity ? [r] : [];
      }
    }
    return undefined;
  }

  private repeat(n: Extract<Node, { t: 'repeat' }>): string | undefined {
    // Counted iterations that may each match nothing: every way of sharing the text among them is tried.
    if (n.counted && nullable(n.body) && (n.min > MAX_EMPTY_ITERATIONS || (n.max > MAX_EMPTY_ITERATIONS && n.max !== Infinity))) {
      return `counted repeat '${this.near(n)}' of a part that can match nothing: its iterations can share the text in exponentially many ways`;
    }
    // Many counted iterations of a part that varies in length, like `(.*a){20}` or `(a{1,30}){1,30}`.
    if (n.max !== Infinity && n.max > MAX_EMPTY_ITERATIONS && varies(n.body)) {
      return `counted repeat '${this.near(n)}' of a part of varying length: its iterations can share the text in too many ways`;
    }
    if (n.max === Infinity) {
      if (hasUnbounded(n.body)) {
        return `nested unbounded quantifier '${this.near(n)}': a group repeated without bound repeats without bound inside (exponential backtracking)`;
      }
      const body = unwrap(n.body);
      if (body.t === 'alt') {
        for (let i = 0; i < body.alts.length; i++) {
          for (let j = i + 1; j < body.alts.length; j++) {
            if (first(body.alts[i]!) & first(body.alts[j]!)) {
              return `overlapping alternatives in '${this.near(n)}': alternatives '${this.near(body.alts[i]!)}' and '${this.near(body.alts[j]!)}' can start with the same character and are repeated without bound (exponential backtracking)`;
            }
          }
        }
      }
    }
    return this.check(n.body);
  }
}

/**
 * The reason `source` (with JavaScript `flags`) is prone to catastrophic backtracking, or undefined.
 * `source` must already be a valid pattern for these flags.
 *
 * @example backtrackingRisk('(a|a)*b') // "overlapping alternatives in '(a|a)*': …"
 */
export function backtrackingRisk(source: string, flags = ''): string | undefined {
  return new Checker(source).check(new Parser(source, flags).parse());
}
