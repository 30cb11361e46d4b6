/** `cloudtrail-sigma scan PATH…`: the main job's pipeline on local files and folders, no AWS involved. */
import { createReadStream } from 'node:fs';
import { RuleEngine, LEVELS } from '../../lambda/sigma/index.ts';
import type { CompiledRule, Level } from '../../lambda/sigma/index.ts';
import { detectInSource, readableMatches } from '../../lambda/pipeline.ts';
import type { Match } from '../../lambda/pipeline.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { planInputs } from '../inputs.ts';
import { Reporter } from '../output.ts';
import { RENDERERS } from '../render/formats.ts';
import type { Format } from '../render/formats.ts';
import { selectRules } from '../rulesSource.ts';
import { RunStats } from '../runStats.ts';
import { EXIT, exitCodeFor } from '../exitCodes.ts';

export interface ScanOptions {
  readonly paths: readonly string[];
  /** @default [] - the bundled rules */
  readonly rules: readonly string[];
  /** @default 'informational' - every level */
  readonly minLevel: Level;
  /** @default 'table' */
  readonly format: Format;
  /** @default undefined - stdout */
  readonly output?: string;
  /** Stop with exit 2 when a rule does not compile. @default false */
  readonly strict: boolean;
}

/** Rules at or above the minimum level. */
export function atLeastLevel(rules: readonly CompiledRule[], min: Level): CompiledRule[] {
  const floor = LEVELS.indexOf(min);
  return rules.filter((r) => LEVELS.indexOf(r.meta.level) >= floor);
}

export async function scan(opts: ScanOptions): Promise<number> {
  const reporter = new Reporter(opts.output);
  const selection = selectRules(opts.rules);
  for (const p of selection.problems) reporter.warn(`rule ${p.file}: ${p.status}: ${p.reason}`);
  if (opts.strict && selection.problems.length > 0) {
    reporter.warn(`${selection.problems.length} rule(s) did not compile; stopping (--strict)`);
    return EXIT.USAGE;
  }
  const engine = new RuleEngine(atLeastLevel(selection.rules, opts.minLevel));
  const plan = planInputs(opts.paths);
  const stats = new RunStats();
  stats.passedOver = plan.passedOver;
  for (const s of plan.skipped) {
    reporter.warn(`skipped ${s.path}: ${s.reason}`);
    stats.skipped++;
    stats.sources++;
  }
  for (const m of plan.missing) {
    reporter.warn(`failed ${m.path}: ${m.reason}`);
    stats.failed++;
    stats.sources++;
  }
  const renderer = RENDERERS[opts.format];
  const header = renderer.header();
  if (header) await reporter.data(header);

  for (const file of plan.files) {
    const matches: Match[] = [];
    const outcome = await detectInSource(file, createReadStream(file, { highWaterMark: 1 << 20 }), engine, (m) => matches.push(m));
    const { readable, errors } = readableMatches(matches);
    const failure = outcome.error ?? errors[0];
    stats.add(failure && outcome.status === 'ok' ? { ...outcome, status: 'failed' } : outcome);
    for (const m of readable) {
      stats.countMatch(m.rule.level);
      await reporter.data(renderer.line(matchDocument(m)));
    }
    if (failure) reporter.warn(`failed ${failure.message}`);
    if (outcome.status === 'skipped') reporter.warn(`skipped ${file}: ${outcome.skipReason}`);
    reporter.progress(`${stats.sources}/${plan.files.length + plan.skipped.length} files, ${stats.records} records, ${stats.matches} matches`);
  }
  reporter.summary(stats.summary('files'));
  await reporter.close();
  return exitCodeFor({ failedInputs: stats.failed, ruleErrors: selection.problems.length }, { strict: opts.strict });
}
