/**
 * A plain reference evaluator kept in the tests: a straightforward walk of the compiled IR over a fully parsed
 * record, with none of the engine's shortcuts (no loader, no sets, no candidate index, no lazy fields; regexes for
 * globs, node:net for CIDR). The differential test checks the fast path against it.
 */
import { BlockList, isIP } from 'node:net';
import type { CompiledRule, Condition, Detection, Matcher } from '../../lambda/sigma/ir.ts';

const own = (o: object, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);

/** Every value a dotted path reaches (literal dotted key first; arrays crossed, and flattened at the end unless `keepLeafArrays`). */
const segmentCache = new Map<string, string[]>();

function valuesAt(record: unknown, field: string, keepLeafArrays = false): unknown[] {
  let segments = segmentCache.get(field);
  if (!segments) segmentCache.set(field, (segments = field.split('.')));
  const out: unknown[] = [];
  const flatten = (v: unknown) => (Array.isArray(v) && !keepLeafArrays ? v.forEach(flatten) : out.push(v));
  const walk = (v: unknown, i: number) => {
    if (i === segments.length) return flatten(v);
    if (Array.isArray(v)) return v.forEach((m) => walk(m, i));
    if (v === null || typeof v !== 'object') return;
    const literal = i < segments.length - 1 ? own(v, segments.slice(i).join('.')) : undefined;
    if (literal !== undefined) return flatten(literal);
    const next = own(v, segments[i]!);
    if (next !== undefined) walk(next, i + 1);
  };
  walk(record, 0);
  return out;
}

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : NaN);

const regexCache = new WeakMap<Matcher, RegExp>();

/** Built once per matcher: only to keep the reference fast enough to run over the whole corpus. */
function cachedRegex(m: Matcher, build: () => RegExp): RegExp {
  let r = regexCache.get(m);
  if (!r) regexCache.set(m, (r = build()));
  return r;
}

function globRegex(parts: Extract<Matcher, { kind: 'glob' }>['parts'], cased: boolean): RegExp {
  const body = parts.map((p) => (typeof p === 'string' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.wildcard === '*' ? '.*' : '.')).join('');
  return new RegExp(`^${body}$`, `su${cased ? '' : 'i'}`);
}

function one(m: Matcher, v: unknown, record: unknown): boolean {
  const t = text(v);
  switch (m.kind) {
    case 'string': {
      const a = m.cased ? t : t.toLowerCase();
      return m.op === 'equals' ? a === m.value : m.op === 'contains' ? a.includes(m.value) : m.op === 'startswith' ? a.startsWith(m.value) : a.endsWith(m.value);
    }
    case 'glob':
      return cachedRegex(m, () => globRegex(m.parts, m.cased)).test(m.cased ? t : t.toLowerCase());
    case 're':
      return cachedRegex(m, () => new RegExp(m.pattern, m.flags)).test(t.slice(0, 65_536));
    case 'cidr': {
      const family = isIP(t);
      if (family !== m.family) return false;
      const list = new BlockList();
      list.addSubnet(m.network, m.prefix, m.family === 4 ? 'ipv4' : 'ipv6');
      return list.check(t, m.family === 4 ? 'ipv4' : 'ipv6');
    }
    case 'number': {
      const n = num(v);
      if (Number.isNaN(n)) return false;
      return { eq: n === m.value, gt: n > m.value, gte: n >= m.value, lt: n < m.value, lte: n <= m.value }[m.op];
    }
    case 'fieldref':
      return valuesAt(record, m.field).filter((o) => o !== null).some((o) => one({ kind: 'string', op: m.op, value: m.cased ? text(o) : text(o).toLowerCase(), cased: m.cased }, v, record));
    case 'any':
      return m.matchers.some((x) => one(x, v, record));
    case 'all':
      return m.matchers.every((x) => one(x, v, record));
    case 'not':
      return !one(m.matcher, v, record);
    case 'null':
      return false;
    case 'exists':
      return m.exists;
  }
}

function whole(m: Matcher, field: string, record: unknown): boolean {
  const present = () => valuesAt(record, field, true).some((v) => v !== null);
  switch (m.kind) {
    case 'null':
      return !present();
    case 'exists':
      return present() === m.exists;
    case 'all':
      return m.matchers.every((x) => whole(x, field, record));
    case 'not':
      return present() && !whole(m.matcher, field, record);
    case 'any':
      return m.matchers.some((x) => whole(x, field, record));
    default:
      return valuesAt(record, field).some((v) => v !== null && one(m, v, record));
  }
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) strings((v as Record<string, unknown>)[k], out);
  return out;
}

function keywords(m: Matcher, record: unknown): boolean {
  if (m.kind === 'all') return m.matchers.every((x) => keywords(x, record));
  if (m.kind === 'not') return !keywords(m.matcher, record);
  return strings(record).some((s) => one(m, s, record));
}

function detection(d: Detection, record: unknown): boolean {
  if (d.kind === 'keywords') return keywords(d.matcher, record);
  return d.anyOf.some((tests) => tests.every((t) => whole(t.matcher, t.field, record)));
}

function condition(c: Condition, rule: CompiledRule, record: unknown): boolean {
  switch (c.op) {
    case 'and':
      return c.args.every((a) => condition(a, rule, record));
    case 'or':
      return c.args.some((a) => condition(a, rule, record));
    case 'not':
      return !condition(c.arg, rule, record);
    case 'ref':
      return detection(rule.detections[c.name]!, record);
    case 'const':
      return c.value;
  }
}

export function referenceEvaluate(rule: CompiledRule, record: unknown): boolean {
  return condition(rule.condition, rule, record);
}
