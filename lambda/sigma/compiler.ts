/**
 * Sigma YAML → CompiledRule. Validates as it goes: an invalid rule names the place and the reason, a valid rule
 * using something not implemented names the feature. Nothing here runs at evaluation time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';
import type { CompiledRule, Condition, Detection, FieldTest, Level, RuleMeta } from './ir.ts';
import { LEVELS } from './ir.ts';
import { RuleCompileError, RuleProblemError, UnsupportedFeatureError } from './errors.ts';
import { buildMatcher, RuleNumber } from './modifiers.ts';
import type { Placeholders } from './modifiers.ts';
import { parseCondition } from './conditionParser.ts';
import { applyFilters, FILTER_RESERVED_KEYS, isFilterDocument, readFilterSection } from './filters.ts';
import type { CompiledFilter } from './filters.ts';
import { shareDetections } from './detectionSharing.ts';

export { COMPILER_VERSION } from './version.ts';

/** Plain keyword values match anywhere in a string value of the record, as rsigma does. */
const KEYWORD_MODIFIERS = ['contains'];

export type RuleStatus = 'ok' | 'unsupported' | 'invalid';

export interface RuleCheckResult {
  /** The rule's YAML path relative to its rules folder, `#N` for the N-th document when N > 0. */
  readonly file: string;
  readonly documentIndex: number;
  readonly id: string;
  readonly title: string;
  readonly status: RuleStatus;
  /** Empty for an `ok` rule; for an `ok` filter, the rules it was applied to; otherwise what is wrong, and where. */
  readonly reason: string;
  readonly rule?: CompiledRule;
  /** Set for a Sigma filter document; compileRuleFolders applies it to the rules it names. */
  readonly filter?: CompiledFilter;
}

export interface CompileOptions {
  /** Values for `%name%` placeholders of the `expand` modifier. @default - none: rules using expand are unsupported */
  readonly placeholders?: Placeholders;
}

type Path = readonly (string | number)[];
type Locate = (path: Path) => number | undefined;

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RuleNumber);

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const textList = (v: unknown): string[] =>
  v === null || v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== undefined).map(String);

/** The file name a result shows: `#N` for documents after the first. */
export function ruleFileName(file: string, documentIndex: number): string {
  return documentIndex > 0 ? `${file}#${documentIndex}` : file;
}

/**
 * Compiles one parsed rule document (as YAML.parse returns it). A filter document alone is `unsupported` here:
 * it only means something with the rules it names (compileRuleSource compiles it, compileRuleFolders applies it).
 */
export function compileRuleDocument(doc: unknown, file: string, options: CompileOptions = {}, documentIndex = 0, locate?: Locate): RuleCheckResult {
  return checkDocument(doc, file, documentIndex, locate, (ruleFile) => ({ rule: compileRule(doc, ruleFile, options) }));
}

/** Compiles one Sigma filter document (see filters.ts); compileRuleFolders applies it. */
export function compileFilterDocument(doc: unknown, file: string, options: CompileOptions = {}, documentIndex = 0, locate?: Locate): RuleCheckResult {
  return checkDocument(doc, file, documentIndex, locate, (ruleFile) => ({ filter: compileFilter(doc, ruleFile, options) }));
}

function checkDocument(
  doc: unknown, file: string, documentIndex: number, locate: Locate | undefined,
  compile: (ruleFile: string) => { rule?: CompiledRule; filter?: CompiledFilter },
): RuleCheckResult {
  const ruleFile = ruleFileName(file, documentIndex);
  const head = isMap(doc) ? { id: text(doc.id), title: text(doc.title) } : { id: '', title: '' };
  try {
    return { file: ruleFile, documentIndex, ...head, status: 'ok', reason: '', ...compile(ruleFile) };
  } catch (err) {
    if (err instanceof RangeError) {
      // A stack overflow on a pathological document (nesting thousands deep): that rule is invalid, not the run.
      return { file: ruleFile, documentIndex, ...head, status: 'invalid', reason: `rule too deeply nested to compile (${err.message})` };
    }
    if (!(err instanceof RuleProblemError)) throw err;
    const where = err.path.length ? ` at ${formatPath(err.path)}${lineNote(locate?.(err.path))}` : '';
    const status: RuleStatus = err instanceof UnsupportedFeatureError ? 'unsupported' : 'invalid';
    return { file: ruleFile, documentIndex, ...head, status, reason: `${err.message}${where}` };
  }
}

function compileRule(doc: unknown, ruleFile: string, options: CompileOptions): CompiledRule {
  if (!isMap(doc)) throw new RuleCompileError('a rule document must be a YAML map');
  if ('correlation' in doc) {
    const type = isMap(doc.correlation) ? text(doc.correlation.type) : '';
    throw new UnsupportedFeatureError(`correlation rule${type ? ` (${type})` : ''}: correlations are not evaluated yet`, ['correlation']);
  }
  if (isFilterDocument(doc)) {
    throw new UnsupportedFeatureError('Sigma filter document: filters are applied to the rules of their folders, not compiled alone', ['filter']);
  }
  const meta = compileMeta(doc);
  if (!isMap(doc.detection)) throw new RuleCompileError('detection must be a map', ['detection']);
  return { meta, ruleFile, ...compileSearches(doc.detection, 'detection', ['timeframe'], options) };
}

function compileFilter(doc: unknown, ruleFile: string, options: CompileOptions): CompiledFilter {
  if (!isMap(doc)) throw new RuleCompileError('a filter document must be a YAML map');
  const title = text(doc.title).trim();
  if (!title) throw new RuleCompileError('title is missing', ['title']);
  const logsource = compileLogsource(doc);
  const { rules, section } = readFilterSection(doc.filter);
  const searches = compileSearches(section, 'filter', FILTER_RESERVED_KEYS, options);
  return { id: text(doc.id), title, description: text(doc.description).trim(), logsource, rules, ruleFile, ...searches };
}

/** The search identifiers and condition of a `detection` (or a filter's `filter`) section. */
function compileSearches(
  section: Record<string, unknown>, key: string, reserved: readonly string[], options: CompileOptions,
): { detections: Record<string, Detection>; condition: Condition } {
  const names = Object.keys(section).filter((k) => k !== 'condition' && !reserved.includes(k));
  // No prototype: an identifier named `__proto__` must be an entry like any other.
  const detections: Record<string, Detection> = Object.create(null) as Record<string, Detection>;
  for (const name of names) {
    detections[name] = compileDetection(section[name], [key, name], options);
  }
  const rawCondition = section.condition;
  const conditions = Array.isArray(rawCondition) ? rawCondition : [rawCondition];
  if (rawCondition === undefined || rawCondition === null || conditions.length === 0) {
    throw new RuleCompileError(`${key} has no condition`, [key]);
  }
  const parsed = conditions.map((c, i) => {
    const path = Array.isArray(rawCondition) ? [key, 'condition', i] : [key, 'condition'];
    if (typeof c !== 'string') throw new RuleCompileError('a condition must be a string', path);
    return parseCondition(c, names, path);
  });
  const condition: Condition = parsed.length === 1 ? parsed[0]! : { op: 'or', args: parsed };
  return { detections, condition };
}

function compileMeta(doc: Record<string, unknown>): RuleMeta {
  const title = text(doc.title).trim();
  if (!title) throw new RuleCompileError('title is missing', ['title']);
  const logsource = compileLogsource(doc);
  const levelText = text(doc.level).toLowerCase() || 'medium';
  if (!(LEVELS as readonly string[]).includes(levelText)) {
    throw new RuleCompileError(`level '${text(doc.level)}' is not one of ${LEVELS.join(', ')}`, ['level']);
  }
  return {
    id: text(doc.id),
    title,
    status: text(doc.status) || 'experimental',
    level: levelText as Level,
    description: text(doc.description).trim(),
    author: text(doc.author),
    references: textList(doc.references),
    tags: textList(doc.tags),
    falsepositives: textList(doc.falsepositives),
    date: text(doc.date),
    modified: text(doc.modified),
    logsource,
  };
}

function compileLogsource(doc: Record<string, unknown>): Record<string, string> {
  const logsource = doc.logsource;
  if (!isMap(logsource)) throw new RuleCompileError('logsource is missing', ['logsource']);
  const product = text(logsource.product).toLowerCase();
  if (product !== 'aws') {
    const desc = Object.entries(logsource).map(([k, v]) => `${k}: ${text(v)}`).join(', ');
    throw new UnsupportedFeatureError(`logsource ${desc || '(empty)'}: only product aws (CloudTrail) runs here`, ['logsource']);
  }
  return Object.fromEntries(Object.entries(logsource).map(([k, v]) => [k, text(v)]));
}

function compileDetection(value: unknown, path: Path, options: CompileOptions): Detection {
  if (isMap(value)) {
    const keys = Object.keys(value);
    // `'|all': [a, b]`: a keyword search with modifiers (Sigma spec, "Keywords search").
    if (keys.length === 1 && keys[0]!.startsWith('|')) {
      const mods = keys[0]!.split('|').slice(1);
      const position = mods.some((m) => ['contains', 'startswith', 'endswith', 're', 'cidr'].includes(m)) ? [] : KEYWORD_MODIFIERS;
      return { kind: 'keywords', matcher: buildMatcher([...position, ...mods], value[keys[0]!], { path: [...path, keys[0]!], ...options }) };
    }
    return { kind: 'fields', anyOf: [compileFieldMap(value, path, options)] };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RuleCompileError('a search identifier cannot be an empty list', path);
    if (value.every(isMap)) {
      return { kind: 'fields', anyOf: value.map((m, i) => compileFieldMap(m as Record<string, unknown>, [...path, i], options)) };
    }
    if (value.some(isMap)) throw new RuleCompileError('a list mixes maps and plain values', path);
    return { kind: 'keywords', matcher: buildMatcher(KEYWORD_MODIFIERS, value, { path, ...options }) };
  }
  if (value === null || value === undefined) throw new RuleCompileError('a search identifier has no value', path);
  return { kind: 'keywords', matcher: buildMatcher(KEYWORD_MODIFIERS, value, { path, ...options }) };
}

function compileFieldMap(map: Record<string, unknown>, path: Path, options: CompileOptions): FieldTest[] {
  const keys = Object.keys(map);
  if (keys.length === 0) throw new RuleCompileError('a selection map is empty', path);
  return keys.map((key) => {
    const [field, ...mods] = key.split('|');
    const itemPath = [...path, key];
    if (!field) {
      throw new UnsupportedFeatureError(`keyword search with modifiers ('${key}') beside field conditions in one map`, itemPath);
    }
    return { field, matcher: buildMatcher(mods, map[key], { path: itemPath, ...options }) };
  });
}

function formatPath(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[\w-]+$/.test(p) ? p : `'${p}'`)).join('.').replace(/\.\[/g, '[');
}

function lineNote(line: number | undefined): string {
  return line === undefined ? '' : ` (line ${line})`;
}

/** Compiles every document of a YAML text (multi-document files included); filter documents are compiled, not applied. */
export function compileRuleSource(source: string, file: string, options: CompileOptions = {}): RuleCheckResult[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => {
    const firstError = doc.errors[0];
    if (firstError) {
      const line = lineCounter.linePos(firstError.pos[0]).line;
      return {
        file: ruleFileName(file, index), documentIndex: index, id: '', title: '', status: 'invalid',
        reason: `YAML error (line ${line}): ${firstError.message.split('\n')[0]}`,
      } satisfies RuleCheckResult;
    }
    const locate: Locate = (path) => {
      for (let n = path.length; n > 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
    let value: unknown;
    try {
      value = toRuleValue(doc);
    } catch (err) {
      // yaml throws (not reports) for an unresolved alias or an alias bomb past maxAliasCount.
      return {
        file: ruleFileName(file, index), documentIndex: index, id: '', title: '', status: 'invalid',
        reason: `YAML error: ${(err as Error).message.split('\n')[0]}`,
      } satisfies RuleCheckResult;
    }
    try {
      return (isFilterDocument(value) ? compileFilterDocument : compileRuleDocument)(value, file, options, index, locate);
    } catch (err) {
      // A compiler bug must cost one rule, named, not the whole run.
      return {
        file: ruleFileName(file, index), documentIndex: index, id: '', title: '', status: 'invalid',
        reason: `internal compiler error: ${(err as Error).message}`,
      } satisfies RuleCheckResult;
    }
  });
}

/** YAML document → JS, keeping the written form of numbers. */
function toRuleValue(doc: Document): unknown {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number') node.value = new RuleNumber(node.value, node.source ?? String(node.value));
    },
  });
  return doc.toJS({ maxAliasCount: 100 });
}

/** Every `.yml`/`.yaml` file under a folder, sorted, as paths relative to it. */
export function listRuleFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name)) out.push(relative(folder, full).split(sep).join('/'));
    }
  };
  if (!statSync(folder).isDirectory()) throw new Error(`rules folder ${folder} is not a directory`);
  walk(folder);
  return out;
}

/**
 * Compiles every rule file under the given folders, then applies their filter documents to the rules they name.
 * Unreadable files are `invalid` results, not exceptions.
 */
export function compileRuleFolders(folders: readonly string[], options: CompileOptions = {}): { rules: CompiledRule[]; results: RuleCheckResult[] } {
  const results: RuleCheckResult[] = [];
  for (const folder of folders) {
    for (const file of listRuleFiles(folder)) {
      let source: string;
      try {
        source = readFileSync(join(folder, file), 'utf8');
      } catch (err) {
        results.push({ file, documentIndex: 0, id: '', title: '', status: 'invalid', reason: `cannot read file: ${(err as Error).message}` });
        continue;
      }
      results.push(...compileRuleSource(source, file, options));
    }
  }
  const tuned = applyFilters(results);
  return { rules: shareDetections(tuned.flatMap((r) => (r.rule ? [r.rule] : []))), results: tuned };
}
