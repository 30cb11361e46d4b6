/** Exit statuses of the CLI, as contracts.md defines them. */
export const EXIT = {
  /** Finished, with or without matches. */
  OK: 0,
  /** Finished, but some inputs failed (each named on stderr) — or `rules check` found rules that are not ok. */
  INPUTS_FAILED: 1,
  /** Usage error, or rule errors with --strict. */
  USAGE: 2,
} as const;

export interface RunSummary {
  readonly failedInputs: number;
  readonly ruleErrors: number;
}

export function exitCodeFor(summary: RunSummary, opts: { strict: boolean }): number {
  if (opts.strict && summary.ruleErrors > 0) return EXIT.USAGE;
  return summary.failedInputs > 0 ? EXIT.INPUTS_FAILED : EXIT.OK;
}

/** A usage error: printed with the help hint, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
