/** A human-readable line per match: level, time, title, eventName, actor, where, and the source position. */
import type { MatchDocument } from '../../lambda/alerts/matchDocument.ts';
import { clean, fit } from './columns.ts';


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
