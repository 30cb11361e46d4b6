/** The rule bundle: written at build time, read at cold start, refused when its schema version differs. */
import type { BundledRule, CompiledRule, Detection, LoadedBundle, RuleBundle } from './ir.ts';
import { SCHEMA_VERSION } from './ir.ts';
import { COMPILER_VERSION } from './version.ts';
import { RuleBundleError } from './errors.ts';
import { mapDetections, shareDetections } from './detectionSharing.ts';

export function makeBundle(rules: readonly CompiledRule[]): RuleBundle {
  const detections: Detection[] = [];
  const indexOf = new Map<Detection, number>();
  const slot = (d: Detection): number => {
    let i = indexOf.get(d);
    if (i === undefined) indexOf.set(d, (i = detections.push(d) - 1));
    return i;
  };
  const bundled = shareDetections(rules).map((r): BundledRule => ({ ...r, detections: mapDetections(r.detections, slot) }));
  return { schemaVersion: SCHEMA_VERSION, compilerVersion: COMPILER_VERSION, detections, rules: bundled };
}

/**
 * The bundle as JSON text in ASCII: characters past U+007F (authors' names, typographic quotes) written as `\uXXXX`.
 * A file that is all ASCII is read into a one-byte string, which V8 decodes and parses about twice as fast at cold
 * start as the two-byte string a single such character makes of the whole file.
 */
export function bundleJson(rules: readonly CompiledRule[]): string {
  return JSON.stringify(makeBundle(rules)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Parses bundle JSON; `source` names where it came from in errors. Rules sharing a detection get the same object. */
export function parseBundle(json: string, source = 'rule bundle'): LoadedBundle {
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
      `${source} has schema version ${JSON.stringify(b.schemaVersion)} (compiler ${String(b.compilerVersion)}); this build reads schema ${SCHEMA_VERSION} (compiler ${COMPILER_VERSION}): rebuild the rules`,
    );
  }
  const table = b.detections;
  if (!Array.isArray(table)) throw new RuleBundleError(`${source} has no detections array: rebuild the rules`);
  const rules = b.rules.map((r: BundledRule, n): CompiledRule => {
    if (!r || typeof r.detections !== 'object' || r.detections === null) throw new RuleBundleError(`${source}: rule ${n + 1} has no detections: rebuild the rules`);
    const detections = mapDetections(r.detections, (i, name) => {
      const d = Number.isInteger(i) ? (table[i] as Detection | undefined) : undefined;
      if (d === undefined) {
        throw new RuleBundleError(`${source}: rule ${n + 1} (${String(r.ruleFile)}) names detection ${JSON.stringify(i)} for '${name}', which the bundle does not hold: rebuild the rules`);
      }
      return d;
    });
    return { ...r, detections };
  });
  return { schemaVersion: b.schemaVersion, compilerVersion: String(b.compilerVersion), rules };
}
