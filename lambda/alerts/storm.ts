/**
 * Alert storms: when one rule matches more than a threshold of records in one object, people get one aggregated
 * alert (how many, when, who, from where, sample events) instead of one message per record.
 */
import type { MatchDocument } from './matchDocument.ts';
import { cut } from './escape.ts';
import { cloudTrailEventUrl } from './consoleLink.ts';

/** @default 20 - more matches than this of one rule in one object become one aggregated alert. */
export const DEFAULT_STORM_THRESHOLD = 20;
/** How many values each "top" list and the sample list keep. */
export const TOP_N = 5;
export const SAMPLE_EVENTS = 10;
/** Summary values are capped so an aggregate stays small whatever the records hold. */
const VALUE_CHARS = 512;

export interface Counted {
  readonly value: string;
  readonly count: number;
}

export interface StormSummary {
  readonly ruleId: string;
  readonly ruleFile: string;
  readonly title: string;
  readonly level: string;
  readonly status: string;
  readonly tags: string[];
  readonly source: string;
  /** Matches folded into this alert. */
  readonly count: number;
  /** Earliest and latest eventTime among them ('' when none parses as a time). */
  readonly firstEventTime: string;
  readonly lastEventTime: string;
  readonly eventNames: Counted[];
  readonly accounts: Counted[];
  readonly regions: Counted[];
  readonly topActors: Counted[];
  readonly topSourceIPs: Counted[];
  /** The first events in record order, with their console links. */
  readonly samples: { readonly eventID: string; readonly url: string | undefined }[];
}

/**
 * Splits items into those alerted one by one and the groups (same key: rule and object) that are storms,
 * keeping the order in which they first appear.
 */
export function splitStorms<T>(items: readonly T[], keyOf: (item: T) => string, threshold: number): { singles: T[]; storms: T[][] } {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const storms = [...groups.values()].filter((g) => g.length > threshold);
  const stormy = new Set(storms.flat());
  return { singles: items.filter((item) => !stormy.has(item)), storms };
}

/** Most frequent first; ties keep first appearance. Empty values are left out. */
export function topValues(values: readonly string[], n = TOP_N): Counted[] {
  const counts = new Map<string, number>();
  for (const value of values) {
    if (value === '') continue;
    const key = cut(value, VALUE_CHARS);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count).slice(0, n);
}

function timeRange(times: readonly string[]): { first: string; last: string } {
  const parsed = times.map((t) => ({ t, ms: Date.parse(t) })).filter((x) => !Number.isNaN(x.ms)).sort((a, b) => a.ms - b.ms);
  return { first: parsed[0]?.t ?? '', last: parsed.at(-1)?.t ?? '' };
}

/** The aggregated view of one storm: every document matched the same rule in the same object. */
export function summarizeStorm(docs: readonly MatchDocument[]): StormSummary {
  const first = docs[0];
  if (!first) throw new Error('summarizeStorm needs at least one match');
  const { first: firstEventTime, last: lastEventTime } = timeRange(docs.map((d) => d.eventTime));
  const samples = docs
    .filter((d) => d.eventID !== '')
    .slice(0, SAMPLE_EVENTS)
    .map((d) => ({ eventID: cut(d.eventID, VALUE_CHARS), url: cloudTrailEventUrl(d.awsRegion, d.eventID) }));
  return {
    ruleId: first.ruleId,
    ruleFile: first.ruleFile,
    title: first.title,
    level: first.level,
    status: first.status,
    tags: first.tags,
    source: first.source,
    count: docs.length,
    firstEventTime,
    lastEventTime,
    eventNames: topValues(docs.map((d) => d.eventName)),
    accounts: topValues(docs.map((d) => d.recipientAccountId)),
    regions: topValues(docs.map((d) => d.awsRegion)),
    topActors: topValues(docs.map((d) => d.actor)),
    topSourceIPs: topValues(docs.map((d) => d.sourceIPAddress)),
    samples,
  };
}
