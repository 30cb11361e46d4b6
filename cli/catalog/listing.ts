/** `rules list` lines: a fixed-width table for people, or one JSON object per rule. */
import type { ShowValue } from './displayCase.ts';
import type { CatalogRule } from './model.ts';

export const LIST_FORMATS = ['table', 'jsonl'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** Rule text is untrusted: control characters must not repaint the terminal. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
const fit = (s: string, width: number) => {
  const c = clean(s);
  return c.length > width ? `${c.slice(0, width - 1)}…` : c.padEnd(width);
};

const eventNames = (r: CatalogRule, show: ShowValue) => [...r.eventNames.exact.map(show), ...r.eventNames.patterns];

export const listHeader = (): string =>
  [fit('LEVEL', 13), fit('STATUS', 12), fit('ID', 36), fit('TITLE', 52), fit('EVENT NAMES', 44), 'TAGS'].join(' ');

export function listLine(r: CatalogRule, show: ShowValue, format: ListFormat): string {
  const m = r.rule.meta;
  if (format === 'jsonl') {
    return JSON.stringify({ id: m.id, title: m.title, level: m.level, status: m.status, tags: m.tags, eventNames: eventNames(r, show), file: r.rule.ruleFile });
  }
  return [fit(m.level, 13), fit(m.status, 12), fit(m.id, 36), fit(m.title, 52), fit(eventNames(r, show).join(',') || '-', 44), clean(m.tags.join(' '))].join(' ');
}
