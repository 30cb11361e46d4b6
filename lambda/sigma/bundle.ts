/** The rule bundle: written at build time, read at cold start, refused when its schema version differs. */
import type { CompiledRule, RuleBundle } from './ir.ts';
import { SCHEMA_VERSION } from './ir.ts';
import { COMPILER_VERSION } from './version.ts';
import { RuleBundleError } from './errors.ts';

export function makeBundle(rules: readonly CompiledRule[]): RuleBundle {
  return { schemaVersion: SCHEMA_VERSION, compilerVersion: COMPILER_VERSION, rules: [...rules] };
}

/** Parses bundle JSON; `source` names where it came from in errors. */
export function parseBundle(json: string, source = 'rule bundle'): RuleBundle {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new RuleBundleError(`${source} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const b = data as Partial<RuleBundle> | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b.rules)) throw new RuleBundleError(`${source} has no rules array`);
  if (b.schemaVersion !== SCHEMA_VERSION) {
    throw new RuleBundleError(
      `${source} has schema version ${String(b.schemaVersion)} (compiler ${String(b.compilerVersion)}); this build reads schema ${SCHEMA_VERSION} (compiler ${COMPILER_VERSION}): rebuild the rules`,
    );
  }
  return b as RuleBundle;
}
