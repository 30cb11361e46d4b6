/**
 * The shared CloudTrail and Sigma corpus (../shared/corpus beside the project). CI has it; a user's clone may not:
 * tests that read it skip with a one-line notice then, except under CI=true, where they fail.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
export const CLOUDTRAIL_CORPUS = join(CORPUS_DIR, 'cloudtrail');
export const SIGMA_CORPUS = join(CORPUS_DIR, 'sigma-rules');

/** For `describe(name, { skip: skipUnlessCorpus() }, …)`. */
export function skipUnlessCorpus(): string | false {
  if (existsSync(CLOUDTRAIL_CORPUS) && existsSync(SIGMA_CORPUS)) return false;
  if (process.env.CI === 'true') throw new Error(`shared corpus not found at ${CORPUS_DIR}; corpus tests must run when CI=true`);
  return `shared corpus not found at ${CORPUS_DIR}: corpus test skipped`;
}
