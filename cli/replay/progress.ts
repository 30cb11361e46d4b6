/**
 * The replay's progress line: objects, records, matches, MB/s and ETA, with a bar on a terminal. The total is
 * known once the counting listing (which runs ahead of the reads) has reached the end of the prefix.
 */

export interface ProgressCounts {
  /** Objects finished in this run (read, skipped or failed). */
  readonly objectsDone: number;
  /** Listed sizes of those objects. */
  readonly bytesDone: number;
  readonly records: number;
  readonly matches: number;
  readonly failed: number;
  /** Objects to read in this run, and their listed sizes; `complete` once the listing has ended. */
  readonly total: { readonly objects: number; readonly bytes: number; readonly complete: boolean };
  readonly elapsedSeconds: number;
}

const compact = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(1)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);

/** `1:02:03`, `4:05`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Remaining time from the byte rate so far; undefined until the total is known and some bytes are read. */
export function eta(c: ProgressCounts): number | undefined {
  if (!c.total.complete || c.bytesDone === 0 || c.elapsedSeconds <= 0) return undefined;
  return Math.max(0, c.total.bytes - c.bytesDone) / (c.bytesDone / c.elapsedSeconds);
}

/** One line; with `width` (a terminal) it starts with a bar and is cut to fit, so redrawing in place works. */
export function progressLine(c: ProgressCounts, width?: number): string {
  const rate = c.elapsedSeconds > 0 ? c.bytesDone / 1e6 / c.elapsedSeconds : 0;
  const remaining = eta(c);
  const objects = c.total.complete ? `${c.objectsDone}/${c.total.objects}` : `${c.objectsDone}/${c.total.objects}+ (listing)`;
  const parts = [
    `${objects} objects`,
    `${compact(c.records)} records`,
    `${c.matches} matches`,
    ...(c.failed > 0 ? [`${c.failed} failed`] : []),
    `${rate.toFixed(1)} MB/s`,
    `ETA ${remaining === undefined ? '?' : duration(remaining)}`,
  ];
  const text = parts.join(' · ');
  if (width === undefined) return `replay: ${text}`;
  const fraction = c.total.complete && c.total.bytes > 0 ? Math.min(1, c.bytesDone / c.total.bytes) : c.total.complete ? 1 : 0;
  const barWidth = 20;
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const line = `${bar} ${text}`;
  return line.length < width ? line : `${line.slice(0, Math.max(0, width - 2))}…`;
}
