/**
 * The API calls a rule watches: the `eventName` values its condition requires, found by the candidate index's own
 * constraint logic (a rule keyed there is only ever evaluated on those calls).
 */
import { fieldConstraint, loadRule } from '../../lambda/sigma/index.ts';
import type { CompiledRule, LoadedMatcher } from '../../lambda/sigma/index.ts';
import type { ShowValue } from './displayCase.ts';

export interface EventNames {
  /** Exact event names, lower-cased as compiled. */
  readonly exact: readonly string[];
  /** Other alternatives as patterns, in written case: `ListFunctions*`, `/Delete.*Bucket/`. */
  readonly patterns: readonly string[];
}

const escapeGlob = (s: string) => s.replace(/[*?\\]/g, '\\$&');

function pattern(m: LoadedMatcher, show: ShowValue): string[] {
  switch (m.kind) {
    case 'string': {
      const v = escapeGlob(show(m.value));
      return [{ equals: v, contains: `*${v}*`, startswith: `${v}*`, endswith: `*${v}` }[m.op]];
    }
    case 'set':
      return [...m.values].map(show);
    case 'glob':
      return [m.glob.groups.map((g) => g.map((c) => (c === null ? '?' : escapeGlob(c))).join('')).join('*')];
    case 're':
      return [`/${m.regex.source}/`];
    case 'any':
      return m.matchers.flatMap((x) => pattern(x, show));
    default:
      return [`(${m.kind})`];
  }
}

export function eventNamesOf(rule: CompiledRule, show: ShowValue): EventNames {
  const k = fieldConstraint(loadRule(rule), 'eventName');
  if (!k) return { exact: [], patterns: [] };
  return { exact: [...new Set(k.exact)].sort(), patterns: [...new Set(k.other.flatMap((m) => pattern(m, show)))] };
}
