/** `cloudtrail-sigma scan PATH…`: the main job's pipeline on local files and folders, no AWS involved. */
import { createReadStream } from 'node:fs';
import { FILE_READ_BYTES } from '../../lambda/cloudtrail/decompress.ts';
import type { Level, Placeholders } from '../../lambda/sigma/index.ts';
import { planInputs } from '../inputs.ts';
import { Reporter } from '../output.ts';
import type { Format } from '../render/formats.ts';
import { RunStats } from '../runStats.ts';
import { EXIT, exitCodeFor } from '../exitCodes.ts';
import { prepareEngine } from '../detection.ts';
import { RENDERERS } from '../render/formats.ts';
import { detectInSource } from '../../lambda/pipeline.ts';
import { matchDocument } from '../../lambda/alerts/matchDocument.ts';
import { ObjectReadError } from '../../lambda/cloudtrail/errors.ts';

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
  /** Values for `expand` placeholders. @default undefined - rules using expand are unsupported */
  readonly placeholders?: Placeholders;
}

export async function scan(opts: ScanOptions): Promise<number> {
  const reporter = new Reporter(opts.output);
  const prepared = prepareEngine(opts, reporter);
  if (!prepared) return EXIT.USAGE;
  const plan = planInputs(opts.paths);
  const stats = new RunStats();
  stats.passedOver = plan.passedOver;
  for (const s of plan.skipped) {
    reporter.warn(`skipped ${s.path}: ${s.reason}`);
    stats.skipped++;
    stats.sources++;
  }
  for (const m of plan.missing) {
    reporter.warn(`failed ${m.path}: not-found: ${m.reason}`);
    stats.failed++;
    stats.sources++;
  }
  const header = RENDERERS[opts.format].header();
  if (header) await reporter.data(header);

  const render = RENDERERS[opts.format];
  for (const file of plan.files) {
    // Matches are written as they are found, so a file with millions of them never sits in memory.
    let unreadable: ObjectReadError | undefined;
    const outcome = await detectInSource(file, createReadStream(file, { highWaterMark: FILE_READ_BYTES }), prepared.engine, (m) => {
      let line: string;
      try {
        line = render.line(matchDocument(m));
      } catch (err) {
        if (!(err instanceof ObjectReadError)) throw err;
        unreadable ??= err;
        return;
      }
      stats.countMatch(m.rule.meta.level);
      reporter.write(line);
    });
    await reporter.settle();
    const failure = outcome.error ?? unreadable;
    stats.add(failure && outcome.status === 'ok' ? { ...outcome, status: 'failed' } : outcome);
    if (failure) reporter.warn(`failed ${failure.source}: ${failure.kind}: ${failure.detail}`);
    if (outcome.status === 'skipped') reporter.warn(`skipped ${file}: ${outcome.skipReason}`);
    reporter.progress(`${stats.sources}/${plan.files.length + plan.skipped.length} files, ${stats.records} records, ${stats.matches} matches`);
  }
  reporter.summary(stats.summary('files'));
  await reporter.close();
  return exitCodeFor({ failedInputs: stats.failed, ruleErrors: prepared.ruleErrors }, { strict: opts.strict });
}
