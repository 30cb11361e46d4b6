/** CSV: one row per match with the flat contract fields (the record itself is left to jsonl). */
import type { MatchDocument } from '../../lambda/alerts/matchDocument.ts';

const COLUMNS = [
  'ruleId', 'ruleFile', 'title', 'level', 'status', 'tags', 'eventID', 'eventTime', 'eventName', 'eventSource',
  'awsRegion', 'recipientAccountId', 'sourceIPAddress', 'actor', 'source', 'recordIndex',
] as const satisfies readonly (keyof MatchDocument)[];

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run attacker text as a formula. */
function cell(value: unknown): string {
  let s = Array.isArray(value) ? value.join(' ') : String(value ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = (): string => COLUMNS.join(',');
export const csvLine = (doc: MatchDocument): string => COLUMNS.map((c) => cell(doc[c])).join(',');
