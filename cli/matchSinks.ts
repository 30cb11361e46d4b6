/** Where the matches of a scan or replay go: rendered lines on stdout (or --output), or SNS alerts (--publish). */
import type { Match } from '../lambda/pipeline.ts';
import { matchDocument } from '../lambda/alerts/matchDocument.ts';
import { publishMatches } from '../lambda/alerts/dispatch.ts';
import type { DispatchContext } from '../lambda/alerts/dispatch.ts';
import { RENDERERS } from './render/formats.ts';
import type { Format } from './render/formats.ts';

/** A source's matches as lines of the chosen format, one string so they stay together in the output. */
export function renderLines(matches: readonly Match[], format: Format): string {
  const render = RENDERERS[format];
  return matches.map((m) => render.line(matchDocument(m))).join('\n');
}

export interface Delivery {
  /** Alerts published (publish sink only). */
  readonly published: number;
  /** Matches already alerted, in this call or (with a de-duplication table) before. */
  readonly deduplicated?: number;
  /** Why some matches did not reach their destination; the source then counts as failed. */
  readonly failure?: string;
}

export interface MatchSink {
  /** Takes one source's matches; lines of one source stay together even when sources run concurrently. */
  deliver(matches: readonly Match[]): Promise<Delivery>;
}

/** SNS alerts through the same dispatch as the Lambda (formatting, batching, de-duplication). */
export class PublishSink implements MatchSink {
  constructor(private readonly ctx: DispatchContext) {}

  async deliver(matches: readonly Match[]): Promise<Delivery> {
    const result = await publishMatches(matches, this.ctx);
    const counts = { published: result.published, deduplicated: result.deduplicated };
    if (result.failed.length === 0) return counts;
    const f = result.failed[0]!;
    return { ...counts, failure: `${result.failed.length} alert(s) not published: ${f.code}: ${f.message}` };
  }
}
