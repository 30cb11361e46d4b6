/** Counters of a scan or replay, and the summary printed on stderr at the end. */
import { LEVELS } from '../lambda/sigma/index.ts';
import type { SourceOutcome } from '../lambda/pipeline.ts';

export class RunStats {
  private readonly started = performance.now();
  sources = 0;
  records = 0;
  bytesRead = 0;
  bytesDecoded = 0;
  readonly matchesByLevel = new Map<string, number>(LEVELS.map((l) => [l, 0]));
  skipped = 0;
  failed = 0;
  passedOver = 0;

  add(o: SourceOutcome): void {
    this.sources++;
    this.records += o.records;
    this.bytesRead += o.bytesRead;
    this.bytesDecoded += o.bytesDecoded;
    if (o.status === 'failed') this.failed++;
    if (o.status === 'skipped') this.skipped++;
  }

  countMatch(level: string): void {
    this.matchesByLevel.set(level, (this.matchesByLevel.get(level) ?? 0) + 1);
  }

  get matches(): number {
    let n = 0;
    for (const v of this.matchesByLevel.values()) n += v;
    return n;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Human summary lines (stderr). */
  summary(noun: 'files' | 'objects'): string[] {
    const secs = this.elapsedSeconds;
    const levels = [...this.matchesByLevel].filter(([, n]) => n > 0).map(([l, n]) => `${l} ${n}`).join(', ');
    const rate = secs > 0 ? Math.round(this.records / secs) : this.records;
    const mb = this.bytesDecoded / 1e6;
    return [
      `${noun}: ${this.sources - this.skipped - this.failed} read, ${this.skipped} skipped, ${this.failed} failed${this.passedOver ? `, ${this.passedOver} passed over (not CloudTrail file types)` : ''}`,
      `records: ${this.records}; matches: ${this.matches}${levels ? ` (${levels})` : ''}`,
      `elapsed: ${secs.toFixed(2)} s, ${rate} records/s, ${mb.toFixed(1)} MB JSON (${secs > 0 ? (mb / secs).toFixed(1) : '0'} MB/s)`,
    ];
  }
}
