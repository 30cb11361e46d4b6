/**
 * What the evaluator reads a record through: top-level fields by name, and the whole record for keyword searches.
 * The streaming reader provides a lazy view that parses only the fields a rule reads; tests use plain objects.
 */
import type { FieldPath } from './loader.ts';

export interface RecordView {
  /** The own top-level property `key`, or undefined when absent. */
  get(key: string): unknown;
  /** The whole parsed record. */
  root(): unknown;
  /**
   * Optional: a number naming the top-level value `key` by its JSON text, below VALUE_ID_LIMIT: two records whose
   * ids are equal under the same `idGeneration` have equal values there (ABSENT_VALUE_ID: no such key); -1 when
   * the view cannot tell. The engine reuses verdicts by them (see verdictMemo.ts).
   */
  valueId?(key: string): number;
  readonly idGeneration?: number;
  /**
   * Optional: false when the nested `path` surely reaches nothing, told from the JSON text of its top-level value
   * without parsing it (the next key is nowhere in that text); true when it may reach a value.
   */
  mayReach?(path: FieldPath): boolean;
}

/** Value ids are below this; ABSENT_VALUE_ID names a missing key. */
export const VALUE_ID_LIMIT = 1 << 15;
export const ABSENT_VALUE_ID = VALUE_ID_LIMIT - 1;

const hasOwn = Object.prototype.hasOwnProperty;

/** A property of a parsed JSON object, never one inherited from Object.prototype (`constructor`, `__proto__`). */
export function ownValue(obj: object, key: string): unknown {
  return hasOwn.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** A RecordView over an already parsed record. */
export class PlainRecordView implements RecordView {
  constructor(private readonly record: unknown) {}
  get(key: string): unknown {
    const r = this.record;
    return r !== null && typeof r === 'object' && !Array.isArray(r) ? ownValue(r, key) : undefined;
  }
  root(): unknown {
    return this.record;
  }
}

export function isRecordView(x: unknown): x is RecordView {
  return x instanceof PlainRecordView || (x !== null && typeof x === 'object' && typeof (x as RecordView).get === 'function' && typeof (x as RecordView).root === 'function');
}
