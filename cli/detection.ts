/**
 * What `scan` and `replay` share: the rules a run uses, and one source through the pipeline (lambda/pipeline.ts),
 * ending as its outcome plus the matches whose records can be read.
 */
import type { Readable } from 'node:stream';
import { RuleEngine, LEVELS } from '../lambda/sigma/index.ts';
import type { CompiledRule, Level, Placeholders } from '../lambda/sigma/index.ts';
import { detectInSource, readableMatches } from '../lambda/pipeline.ts';
import type { Match, SourceOutcome } from '../lambda/pipeline.ts';
import type { ObjectReadError } from '../lambda/cloudtrail/errors.ts';
import type { Reporter } from './output.ts';
import { selectRules } from './rulesSource.ts';

/** Rules at or above the minimum level. */
export function atLeastLevel(rules: readonly CompiledRule[], min: Level): CompiledRule[] {
  const floor = LEVELS.indexOf(min);
  return rules.filter((r) => LEVELS.indexOf(r.meta.level) >= floor);
}

export interface RuleOptions {
  /** @default [] - the bundled rules */
  readonly rules: readonly string[];
  /** @default 'informational' - every level */
  readonly minLevel: Level;
  /** Stop with exit 2 when a rule does not compile. @default false */
  readonly strict: boolean;
  /** Values for `expand` placeholders (--placeholders FILE). @default undefined - rules using expand are unsupported */
  readonly placeholders?: Placeholders;
}

export interface PreparedEngine {
  readonly engine: RuleEngine;
  /** Rules that did not compile (each already reported on stderr). */
  readonly ruleErrors: number;
}

/** Compiles or loads the rules, reporting each one that does not compile; undefined when --strict stops the run. */
export function prepareEngine(opts: RuleOptions, reporter: Reporter): PreparedEngine | undefined {
  const selection = selectRules(opts.rules, opts.placeholders);
  for (const p of selection.problems) reporter.warn(`rule ${p.file}: ${p.status}: ${p.reason}`);
  if (opts.strict && selection.problems.length > 0) {
    reporter.warn(`${selection.problems.length} rule(s) did not compile; stopping (--strict)`);
    return undefined;
  }
  const rules = atLeastLevel(selection.rules, opts.minLevel);
  if (rules.length === 0) {
    const why = selection.rules.length === 0
      ? `no rule compiled from ${opts.rules.length ? opts.rules.join(', ') : 'the bundled rules'}`
      : `none of the ${selection.rules.length} rule(s) is at --min-level ${opts.minLevel} or above`;
    reporter.warn(`no rules to run: ${why}; no record can match`);
  }
  return { engine: new RuleEngine(rules), ruleErrors: selection.problems.length };
}

export interface SourceDetection {
  /** The pipeline's outcome, `failed` too when a matched record turned out unreadable. */
  readonly outcome: SourceOutcome;
  /** Matches whose record parses, in record order. */
  readonly matches: Match[];
  /** Why the source failed, if it did. */
  readonly failure?: ObjectReadError;
}

/** One source through the pipeline; its matches are held until it ends so a failed source can be retried whole. */
export async function detectSource(source: string, bytes: Readable | AsyncIterable<Uint8Array>, engine: RuleEngine): Promise<SourceDetection> {
  const all: Match[] = [];
  const outcome = await detectInSource(source, bytes, engine, (m) => all.push(m));
  const { readable, errors } = readableMatches(all);
  const failure = outcome.error ?? errors[0];
  return {
    outcome: failure && outcome.status === 'ok' ? { ...outcome, status: 'failed' } : outcome,
    matches: readable,
    ...(failure ? { failure } : {}),
  };
}
