/**
 * Rules of one pack repeat the same selections (`eventSource: iam.amazonaws.com`, the same filter…). Made the same
 * object once, at build time, an identical detection is loaded once and evaluated once per record for all its rules.
 */
import type { CompiledRule, Detection } from './ir.ts';

/**
 * A rule's detections by name, each passed through `f`, in a record without prototype: a detection may be called
 * `__proto__` or `constructor` (see the compiler).
 */
export function mapDetections<A, B>(detections: Readonly<Record<string, A>>, f: (value: A, name: string) => B): Record<string, B> {
  const out = Object.create(null) as Record<string, B>;
  for (const [name, value] of Object.entries(detections)) out[name] = f(value, name);
  return out;
}

/** The rules with identical detections (equal JSON) replaced by one shared object; rule order and names kept. */
export function shareDetections(rules: readonly CompiledRule[]): CompiledRule[] {
  const seen = new Map<string, Detection>();
  const shared = (d: Detection): Detection => {
    const key = JSON.stringify(d);
    const first = seen.get(key);
    if (first) return first;
    seen.set(key, d);
    return d;
  };
  return rules.map((r) => ({ ...r, detections: mapDetections(r.detections, shared) }));
}
