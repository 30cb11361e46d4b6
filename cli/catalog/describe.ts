/**
 * Words for the compiled IR: a matcher as an operator and its values, a detection as groups of predicates, a
 * condition as text and as stages. Reads only ir.ts types; values are shown as compiled (case-insensitive ones
 * lower-cased) and the pages restore their written case.
 */
import type { Condition, Detection, Matcher } from '../../lambda/sigma/index.ts';

/** One field test: `eventName` `equals` `[CreateUser, CreateLoginProfile]`. */
export interface Predicate {
  readonly field: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** The field of a keyword search: any string value of the record. */
export const ANY_FIELD = '(any value)';

const NUMBER_OPS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

const globText = (parts: readonly (string | { wildcard: string })[]) =>
  parts.map((p) => (typeof p === 'string' ? p.replace(/[*?\\]/g, '\\$&') : p.wildcard)).join('');

/** An operator word and the values it compares with; value lists that share one operator are merged. */
export function describeMatcher(m: Matcher): { operator: string; values: string[] } {
  const cased = (op: string, isCased: boolean) => (isCased ? `${op} (cased)` : op);
  switch (m.kind) {
    case 'string':
      return { operator: cased(m.op, m.cased), values: [m.value] };
    case 'glob':
      return { operator: cased('matches', m.cased), values: [globText(m.parts)] };
    case 're':
      return { operator: 'regex', values: [`/${m.pattern}/${m.flags}`] };
    case 'cidr':
      return { operator: 'in network', values: [`${m.network}/${m.prefix}`] };
    case 'number':
      return { operator: `number ${NUMBER_OPS[m.op]}`, values: [String(m.value)] };
    case 'fieldref':
      return { operator: cased(`${m.op} field`, m.cased), values: [m.field] };
    case 'null':
      return { operator: 'is null', values: [] };
    case 'exists':
      return { operator: m.exists ? 'exists' : 'does not exist', values: [] };
    case 'not': {
      const inner = describeMatcher(m.matcher);
      return { operator: `not ${inner.operator}`, values: inner.values };
    }
    case 'any':
    case 'all': {
      const inner = m.matchers.map(describeMatcher);
      const first = inner[0]?.operator ?? '';
      const same = inner.every((d) => d.operator === first);
      const operator = same ? first : 'one of';
      const values = same ? inner.flatMap((d) => d.values) : inner.map((d) => `${d.operator} ${d.values.join(', ')}`.trim());
      return { operator: m.kind === 'all' ? `all ${operator}` : operator, values };
    }
  }
}

/** A detection as OR-ed groups of AND-ed predicates. */
export function predicateGroups(d: Detection): Predicate[][] {
  if (d.kind === 'keywords') {
    const { operator, values } = describeMatcher(d.matcher);
    return [[{ field: ANY_FIELD, operator, values }]];
  }
  return d.anyOf.map((group) => group.map((t) => ({ field: t.field, ...describeMatcher(t.matcher) })));
}

/** The condition as an expression, parenthesised only where precedence needs it. */
export function conditionText(c: Condition, parent: 'and' | 'or' | 'not' | 'top' = 'top'): string {
  switch (c.op) {
    case 'ref':
      return c.name;
    case 'const':
      return String(c.value);
    case 'not':
      return `not ${conditionText(c.arg, 'not')}`;
    case 'and':
    case 'or': {
      const text = c.args.map((a) => conditionText(a, c.op)).join(` ${c.op} `);
      const loose = parent === 'not' || (parent === 'and' && c.op === 'or');
      return loose ? `(${text})` : text;
    }
  }
}

/** The conjuncts of the condition: each must hold for the rule to fire. */
export function stagesOf(c: Condition): Condition[] {
  return c.op === 'and' ? c.args.flatMap(stagesOf) : [c];
}

export type Polarity = 'match' | 'exclude' | 'both';

/** Whether each search identifier is required to match, to not match, or both in different places. */
export function polarities(c: Condition): Map<string, Polarity> {
  const out = new Map<string, Polarity>();
  const walk = (x: Condition, negated: boolean) => {
    if (x.op === 'ref') {
      const p: Polarity = negated ? 'exclude' : 'match';
      const seen = out.get(x.name);
      out.set(x.name, seen && seen !== p ? 'both' : p);
    } else if (x.op === 'not') walk(x.arg, !negated);
    else if (x.op === 'and' || x.op === 'or') x.args.forEach((a) => walk(a, negated));
  };
  walk(c, false);
  return out;
}
