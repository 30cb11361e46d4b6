/**
 * Data on stdout, everything else on stderr. Matches are written through a stream so long output is not cut off
 * in a pipe; progress redraws one line on a terminal and prints a plain line every few seconds elsewhere.
 */
import { createWriteStream, openSync } from 'node:fs';
import { UsageError } from './exitCodes.ts';
import { HIDDEN } from '../lambda/alerts/escape.ts';

/**
 * Hidden characters (the alerts' set: controls, bidirectional overrides, zero-width) as `\uXXXX`, so an error
 * quoting record bytes cannot drive or reorder the terminal; line breaks and tabs of the message itself stay.
 */
export function visibleControls(text: string): string {
  return text.replace(HIDDEN, (c) => (c === '\n' || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Opens --output before any work starts, so a path that cannot be written is a usage error, not a late crash. */
function openOutput(path: string, append: boolean): number {
  try {
    return openSync(path, append ? 'a' : 'w');
  } catch (err) {
    throw new UsageError(`cannot write --output ${path}: ${(err as Error).message}`);
  }
}
import type { Writable } from 'node:stream';
import { once } from 'node:events';

export class Reporter {
  private readonly out: Writable;
  private readonly ownsOut: boolean;
  private lastProgress = 0;
  private progressShown = false;

  /** `append`: add to an existing output file (a resumed replay) instead of replacing it. */
  constructor(outputFile?: string, private readonly err: NodeJS.WriteStream = process.stderr, append = false) {
    this.out = outputFile ? createWriteStream('', { fd: openOutput(outputFile, append) }) : process.stdout;
    this.ownsOut = Boolean(outputFile);
    // Non-terminal progress starts after the first interval, so short runs print only their summary.
    this.lastProgress = err.isTTY ? 0 : Date.now();
  }

  /** One line of data, written now (from a synchronous callback); call settle() afterwards. */
  write(line: string): void {
    this.out.write(`${line}\n`);
  }

  /** Waits until the consumer has taken what write() queued, when it is slower than the scan. */
  async settle(): Promise<void> {
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  /** One line of data (a match). Waits when the consumer is slower than the scan. */
  async data(line: string): Promise<void> {
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
  }

  /** Columns of the terminal progress is drawn on; undefined when stderr is not a terminal. */
  get terminalWidth(): number | undefined {
    return this.err.isTTY ? this.err.columns || 80 : undefined;
  }

  /** Resolves once every line written so far has left this process's buffers (before a checkpoint claims it). */
  drained(): Promise<void> {
    return new Promise((resolve, reject) => this.out.write('', (err) => (err ? reject(err) : resolve())));
  }

  /** A notice on stderr; control characters from record text (terminal escapes) are shown, not sent. */
  warn(message: string): void {
    this.clearProgress();
    this.err.write(`${visibleControls(message)}\n`);
  }

  /** A progress line: redrawn in place on a terminal, at most every 2 s as plain lines otherwise. */
  progress(message: string): void {
    const now = Date.now();
    if (this.err.isTTY) {
      if (now - this.lastProgress < 100) return;
      this.err.write(`\r\u001b[K${message}`);
      this.progressShown = true;
    } else {
      if (now - this.lastProgress < 2000) return;
      this.err.write(`${message}\n`);
    }
    this.lastProgress = now;
  }

  summary(lines: string[]): void {
    this.clearProgress();
    for (const l of lines) this.err.write(`${l}\n`);
  }

  private clearProgress(): void {
    if (this.progressShown) {
      this.err.write('\r\u001b[K');
      this.progressShown = false;
    }
  }

  async close(): Promise<void> {
    if (this.ownsOut) {
      this.out.end();
      await once(this.out, 'finish');
    }
  }
}
