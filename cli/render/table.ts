/** A human-readable line per match: level, time, title, eventName, actor, where, and the source position. */
import type { MatchDocument } from '../../lambda/alerts/matchDocument.ts';

/** Control characters and escapes in record fields must not repaint the terminal. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
const fit = (s: string, width: number) => {
  const c = clean(s);
  return c.length > width ? `${c.slice(0, width - 1)}…` : c.padEnd(width);
};

export const tableHeader = (): string =>
  [fit('LEVEL', 8), fit('EVENT TIME', 20), fit('RULE', 44), fit('EVENT', 28), fit('ACTOR', 40), fit('ACCOUNT/REGION', 26), 'SOURCE'].join(' ');

export const tableLine = (d: MatchDocument): string =>
  [
    fit(d.level, 8),
    fit(d.eventTime, 20),
    fit(d.title, 44),
    fit(d.eventName, 28),
    fit(d.actor, 40),
    fit(`${d.recipientAccountId}/${d.awsRegion}`, 26),
    clean(`${d.source}#${d.recordIndex}`),
  ].join(' ');
