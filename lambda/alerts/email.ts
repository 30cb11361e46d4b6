/**
 * The plain-text email body: what happened first, then why it matters, ATT&CK, known false positives and what to
 * do next. Record values are shown with hidden characters made visible and long values cut.
 */
import type { AlertFacts, RuleNotes } from './facts.ts';
import type { AttackView } from './attack.ts';
import type { Part, Step } from './nextSteps.ts';
import { matchNextSteps, stormNextSteps } from './nextSteps.ts';
import type { Counted, StormSummary } from './storm.ts';
import { attackView } from './attack.ts';
import { oneParagraph, plainValue } from './escape.ts';

const WIDTH = 78;
const INDENT = '  ';
/** Caps per field, in characters: enough to act on, small enough that the email stays readable. */
const SHORT = 256;
const LONG = 1000;

/** Words wrapped at WIDTH; a single word longer than the line stays whole. */
function wrap(text: string, indent = INDENT, hanging = indent): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const start = line === indent || line === hanging;
    if (!start && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = hanging + word;
    } else {
      line += (start ? '' : ' ') + word;
    }
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

function field(label: string, value: string): string[] {
  return value === '' ? [] : [`${INDENT}${`${label}:`.padEnd(13)} ${value}`];
}

function renderPart(part: Part): string {
  if (typeof part === 'string') return part;
  if ('value' in part) return plainValue(part.value, SHORT);
  return part.link;
}

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : ['', title, ...lines];
}

function stepsSection(steps: Step[]): string[] {
  return section('NEXT STEPS', steps.flatMap((s, i) => wrap(s.map(renderPart).join(''), `${INDENT}${i + 1}. `, `${INDENT}   `)));
}

function attackSection(attack: AttackView): string[] {
  return section('MITRE ATT&CK', [
    ...attack.techniques.map((t) => `${INDENT}${t.id.padEnd(10)} ${t.url}`),
    ...(attack.tactics.length > 0 ? [`${INDENT}Tactics: ${attack.tactics.join(', ')}`] : []),
  ]);
}

function notesSections(notes: RuleNotes): string[] {
  return [
    ...section('WHY IT MATTERS', wrap(plainValue(oneParagraph(notes.description), 3000))),
    ...section('KNOWN FALSE POSITIVES', notes.falsepositives.flatMap((fp) => wrap(plainValue(oneParagraph(fp), 500), `${INDENT}- `, `${INDENT}  `))),
  ];
}

function ruleFooter(d: { title: string; ruleId: string; status: string; ruleFile: string }, logFile: string): string[] {
  return [
    '',
    `Rule:      ${plainValue(d.title, SHORT)} (${plainValue(d.ruleId, SHORT)}), status ${plainValue(d.status, SHORT)}`,
    `Rule file: ${plainValue(d.ruleFile, SHORT)}`,
    `Log file:  ${logFile}`,
    '',
    '-- ',
    'cloudtrail-sigma: Sigma rules on every CloudTrail log file',
  ];
}

/** The email body of one match. */
export function matchEmail(f: AlertFacts): string {
  const d = f.doc;
  const p = (value: string) => plainValue(value, SHORT);
  const identity = [p(f.identityType), p(f.userName), f.accessKeyId ? `access key ${p(f.accessKeyId)}` : ''].filter((x) => x !== '').join(', ');
  const error = [p(f.errorCode), plainValue(f.errorMessage, LONG)].filter((x) => x !== '').join(': ');
  const lines = [
    `[${d.level.toUpperCase()}] ${plainValue(d.title, SHORT)}`,
    `${p(d.eventName) || 'unknown event'} by ${p(d.actor) || 'unknown actor'}`,
    `Account ${p(d.recipientAccountId) || 'unknown'}, region ${p(d.awsRegion) || 'unknown'}, ${p(d.eventTime) || 'time unknown'}`,
    '',
    'WHAT HAPPENED',
    ...field('Event', `${p(d.eventName)} (${p(d.eventSource)})`),
    ...field('Time', p(d.eventTime)),
    ...field('Actor', p(d.actor)),
    ...field('Identity', plainValue(identity, LONG)),
    ...field('Account', p(d.recipientAccountId)),
    ...field('Region', p(d.awsRegion)),
    ...field('Source IP', p(d.sourceIPAddress)),
    ...field('User agent', plainValue(f.userAgent, 512)),
    ...field('Error', error),
    ...field('Request', plainValue(f.requestParameters, 1500)),
    ...field('S3 object', plainValue(f.s3Object, 1100)),
    ...field('Event ID', p(d.eventID)),
    ...field('CloudTrail', f.consoleUrl ?? ''),
    ...notesSections(f),
    ...attackSection(f.attack),
    ...stepsSection(matchNextSteps(f)),
    ...ruleFooter(d, `${plainValue(d.source, 1200)}, record ${d.recordIndex}`),
  ];
  return `${lines.join('\n')}\n`;
}

function countedLines(values: readonly Counted[]): string[] {
  return values.map((c) => `${INDENT}${String(c.count).padStart(5)}  ${plainValue(c.value, SHORT)}`);
}

const countedList = (values: readonly Counted[]) => values.map((c) => `${plainValue(c.value, SHORT)} (${c.count})`).join(', ');

/** The email body of an aggregated alert: one rule matched many records of one log file. */
export function stormEmail(s: StormSummary, notes: RuleNotes): string {
  const lines = [
    `[${s.level.toUpperCase()}] ${s.count} matches: ${plainValue(s.title, SHORT)}`,
    `${countedList(s.eventNames) || 'unknown events'} in one log file, ${plainValue(s.firstEventTime, SHORT) || '?'} to ${plainValue(s.lastEventTime, SHORT) || '?'}`,
    '',
    'SUMMARY',
    ...field('Matches', `${s.count}, sent as one alert instead of one per event`),
    ...field('First event', plainValue(s.firstEventTime, SHORT)),
    ...field('Last event', plainValue(s.lastEventTime, SHORT)),
    ...field('Event names', countedList(s.eventNames)),
    ...field('Accounts', countedList(s.accounts)),
    ...field('Regions', countedList(s.regions)),
    ...section('TOP ACTORS', countedLines(s.topActors)),
    ...section('TOP SOURCE IPS', countedLines(s.topSourceIPs)),
    ...section('SAMPLE EVENTS', s.samples.map((x) => `${INDENT}${plainValue(x.eventID, SHORT)}${x.url ? `  ${x.url}` : ''}`)),
    ...notesSections(notes),
    ...attackSection(attackView(s.tags)),
    ...stepsSection(stormNextSteps(s)),
    ...ruleFooter(s, plainValue(s.source, 1200)),
  ];
  return `${lines.join('\n')}\n`;
}
