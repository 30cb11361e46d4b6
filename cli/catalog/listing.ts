/** `rules list` lines: a fixed-width table for people, or one JSON object per rule. */
import type { ShowValue } from './displayCase.ts';
import type { CatalogRule } from './model.ts';
import { clean, fit } from '../render/columns.ts';

export const LIST_FORMATS = ['table', 'jsonl'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];


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
