/**
 * Mutated Sigma rules for the fuzz test: real rules changed as text (lines, YAML tokens) and as structure
 * (modifiers, values, conditions, metadata), including regular expressions shaped for catastrophic backtracking.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { Rng } from '../../samples/records/prng.ts';

export interface RuleCase {
  readonly description: string;
  readonly text: string;
}

const MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 're', 're|i', 're|m', 're|s', 'base64', 'base64offset', 'cidr', 'windash', 'exists', 'lt', 'gte', 'fieldref', 'expand', 'wide', 'utf16le', 'cased', 'i', 'contains|all|windash', 'nosuchmodifier', ''];
/**
 * Patterns a rule author (or attacker) might write, safe and exponential. Polynomial shapes (`.*.*x`, `.*b.*c`,
 * `(.*,){12}x`) are left out: they are not rejected yet (docs/regex-policy.md, "Not rejected yet") and would hang.
 */
export const REGEXES = [
  '(a+)+$', '(a|a)*b', '(\\w|\\d)+$', '(x+x+)+y', '^(a?){25}a{25}$', '(?i)foo.*bar', '[', '(?<n>a)\\k<n>',
  '\\p{L}+', '^arn:aws:iam::\\d{12}:root$', '(ab|a)*c', '"AWS"\\s*:\\s*"\\*"', '.+:assumed-role/aws:.+', 'a{1,99999}', '(?=a*)b',
  '\\bAKIA[0-9A-Z]{16}\\b', '((a|b)+c)+d', '(?i)(A|a)+$', '(\\d+\\.){3}\\d+',
];
const CONDITION_TOKENS = ['and', 'or', 'not', '(', ')', '1 of', 'all of', 'them', 'selection*', '|', 'count()', '>', '5', 'selection', 'filter', 'nosuch'];
const VALUES: (() => unknown)[] = [
  () => null, () => 0, () => -1.5, () => true, () => '', () => '*', () => '?*\\*', () => 'a'.repeat(2000), () => [], () => [[1, [2]]],
  () => ({ nested: { map: ['x'] } }), () => '10.0.0.0/33', () => 'not-a-cidr', () => '%placeholder%', () => '\u0000\ud800',
];

function pickPath(rng: Rng, node: unknown, path: (string | number)[] = []): (string | number)[] {
  if (isMap(node) && node.items.length > 0 && rng.chance(0.8)) {
    const pair = rng.pick(node.items);
    return pickPath(rng, pair.value, [...path, String((pair.key as { value?: unknown })?.value ?? pair.key)]);
  }
  if (isSeq(node) && node.items.length > 0 && rng.chance(0.8)) {
    const i = rng.int(node.items.length);
    return pickPath(rng, node.items[i], [...path, i]);
  }
  return path;
}

function structural(rng: Rng, text: string): RuleCase {
  const doc = parseDocument(text, { uniqueKeys: false });
  const notes: string[] = [];
  for (let n = rng.range(1, 3); n > 0; n--) {
    try {
      mutateOnce(rng, doc, notes);
    } catch {
      // The YAML API refuses some edits of an already broken document (a path through a scalar): keep it as is.
      notes.push('(edit not applicable)');
    }
  }
  return { description: notes.join('; '), text: doc.toString() };
}

function mutateOnce(rng: Rng, doc: ReturnType<typeof parseDocument>, notes: string[]): void {
  {
    const detection = doc.get('detection', true);
    switch (rng.int(7)) {
      case 0: {
        // A modifier chain on a detection field.
        const selectionPath = pickPath(rng, detection, ['detection']).slice(0, 3);
        const node = doc.getIn(selectionPath, true);
        if (isMap(node) && node.items.length > 0) {
          const pair = rng.pick(node.items);
          const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
          const mod = rng.pick(MODIFIERS);
          (pair as { key: unknown }).key = doc.createNode(`${key.split('|')[0]}${mod ? `|${mod}` : ''}`);
          notes.push(`modifier ${mod || '(none)'} on ${selectionPath.join('.')}.${key}`);
          if (mod.startsWith('re')) {
            const pattern = rng.pick(REGEXES);
            (pair as { value: unknown }).value = doc.createNode(pattern);
            notes.push(`pattern /${pattern}/`);
          }
        }
        break;
      }
      case 1: {
        const path = pickPath(rng, detection, ['detection']);
        const value = rng.pick(VALUES)();
        doc.setIn(path, value);
        notes.push(`${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`);
        break;
      }
      case 2: {
        const condition = Array.from({ length: rng.range(1, 8) }, () => rng.pick(CONDITION_TOKENS)).join(' ');
        doc.setIn(['detection', 'condition'], condition);
        notes.push(`condition "${condition}"`);
        break;
      }
      case 3: {
        const key = rng.pick(['title', 'id', 'logsource', 'level', 'status', 'tags', 'detection', 'condition']);
        if (key === 'condition') doc.deleteIn(['detection', 'condition']);
        else doc.delete(key);
        notes.push(`delete ${key}`);
        break;
      }
      case 4: {
        const key = rng.pick(['level', 'status', 'tags', 'id', 'logsource', 'detection']);
        const value = rng.pick(VALUES)();
        doc.set(key, value);
        notes.push(`${key} = ${JSON.stringify(value)?.slice(0, 40)}`);
        break;
      }
      case 5: {
        const pattern = rng.pick(REGEXES);
        doc.setIn(['detection', `sel_${rng.alnum(3)}`], { [`${rng.pick(['eventName', 'userIdentity.arn', 'requestParameters.policy', 'userAgent'])}|re`]: pattern });
        doc.setIn(['detection', 'condition'], '1 of sel_*');
        notes.push(`regex selection /${pattern}/ as the condition`);
        break;
      }
      default:
        doc.set('timeframe', rng.pick(['5m', 'x', 0]));
        notes.push('timeframe');
    }
  }
}

function textual(rng: Rng, text: string): RuleCase {
  const lines = text.split('\n');
  const notes: string[] = [];
  for (let n = rng.range(1, 3); n > 0; n--) {
    const i = rng.int(lines.length);
    switch (rng.int(6)) {
      case 0:
        lines.splice(i, 1);
        notes.push(`delete line ${i}`);
        break;
      case 1:
        lines.splice(i, 0, lines[rng.int(lines.length)] ?? '');
        notes.push(`duplicate a line at ${i}`);
        break;
      case 2:
        lines[i] = ` ${lines[i] ?? ''}`;
        notes.push(`indent line ${i}`);
        break;
      case 3: {
        const token = rng.pick(['&a', '*a', '!!binary', '? ', '|', '>', '- ', '{', '[', '%YAML 1.1', '---', '...', '\t', '#', '"', "'"]);
        const line = lines[i] ?? '';
        const at = rng.int(line.length + 1);
        lines[i] = line.slice(0, at) + token + line.slice(at);
        notes.push(`insert ${JSON.stringify(token)} in line ${i}`);
        break;
      }
      case 4:
        lines.length = i;
        notes.push(`cut after line ${i}`);
        break;
      default:
        // Aliases of aliases: a document that expands exponentially if the parser lets it.
        lines.push('bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, k) => `bomb${k + 1}: &b${k + 1} [*b${k}, *b${k}, *b${k}, *b${k}, *b${k}, *b${k}, *b${k}, *b${k}, *b${k}, *b${k}]`));
        notes.push('alias bomb');
    }
  }
  return { description: notes.join('; '), text: lines.join('\n') };
}

/** One fuzz case from the base rule texts. */
export function ruleCase(rng: Rng, bases: readonly { name: string; text: string }[]): RuleCase {
  const base = rng.pick(bases);
  const mutated = rng.chance(0.6) ? structural(rng, base.text) : textual(rng, base.text);
  return { description: `${base.name}: ${mutated.description}`, text: mutated.text };
}
