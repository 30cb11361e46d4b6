/** Output formats of `scan`/`replay`: each turns match documents into lines for stdout. */
import type { MatchDocument } from '../../lambda/alerts/matchDocument.ts';
import { csvHeader, csvLine } from './csv.ts';
import { tableHeader, tableLine } from './table.ts';

export const FORMATS = ['table', 'jsonl', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface Renderer {
  /** Lines printed before the first match (a header), if any. */
  header(): string | undefined;
  line(doc: MatchDocument): string;
}

export const RENDERERS = {
  table: { header: tableHeader, line: tableLine },
  jsonl: { header: () => undefined, line: (doc) => JSON.stringify(doc) },
  csv: { header: csvHeader, line: csvLine },
} satisfies Record<Format, Renderer>;
