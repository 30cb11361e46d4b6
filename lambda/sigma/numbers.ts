/** Numbers in records: numeric modifiers accept JSON numbers and decimal numeric strings, nothing else. */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a record value denotes, or NaN. Strings must be plain decimals (`-1.5`, `1e3`): never `''`, padded
 * text, hex (`0x10`), `Infinity` or booleans, which JavaScript's Number() would accept.
 */
export function parseDecimal(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DECIMAL.test(v)) return Number(v);
  return NaN;
}
