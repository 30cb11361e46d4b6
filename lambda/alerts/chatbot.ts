/**
 * The AWS Chatbot (Amazon Q Developer in chat applications) custom notification that Slack renders: a title naming
 * level, rule, event, actor and place; a Slack-markdown description with the who/what/where; next steps; ATT&CK
 * tags as keywords; one thread per rule and account; the key fields as additional context.
 * Every record value is escaped (see escape.ts): it can neither mention, link, nor break out of its code span.
 */
import type { AlertFacts, RuleNotes } from './facts.ts';
import type { AttackView } from './attack.ts';
import type { Part, Step } from './nextSteps.ts';
import { matchNextSteps, stormNextSteps } from './nextSteps.ts';
import type { Counted, StormSummary } from './storm.ts';
import { attackView } from './attack.ts';
import { chatCode, chatText, oneParagraph } from './escape.ts';

export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

const SHORT = 256;
const LEVEL_EMOJI: Record<string, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  informational: ':information_source:',
};

/** Ids and thread ids: a safe character set, whatever the rule file or record says. */
const token = (text: string) => text.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128);
const code = (value: string, max = SHORT) => chatCode(value, max);

function renderPart(part: Part): string {
  if (typeof part === 'string') return chatText(part, 1000);
  if ('value' in part) return code(part.value);
  return `<${part.link}|${part.label}>`;
}

const renderSteps = (steps: Step[]) => steps.map((s) => s.map(renderPart).join(''));

function levelTag(level: string): string {
  return `${LEVEL_EMOJI[level] ?? ':grey_question:'} [${chatText(level.toUpperCase(), 20)}]`;
}

function attackLine(attack: AttackView): string[] {
  const techniques = attack.techniques.map((t) => `<${t.url}|${t.id}>`).join(', ');
  const parts = [techniques, attack.tactics.join(', ')].filter((x) => x !== '');
  return parts.length === 0 ? [] : [`*ATT&CK:* ${parts.join(' · ')}`];
}

function notesLines(notes: RuleNotes): string[] {
  const fps = notes.falsepositives.slice(0, 3).map((fp) => `• ${chatText(oneParagraph(fp), 200)}`);
  return [
    ...(notes.description ? [`*Why it matters:* ${chatText(oneParagraph(notes.description), 600)}`] : []),
    ...(fps.length > 0 ? ['*Known false positives:*', ...fps] : []),
  ];
}

function keywords(level: string, attack: AttackView): string[] {
  return [level, ...attack.techniques.map((t) => t.id), ...attack.tactics].map((k) => chatText(k, 64));
}

/** The values of additionalContext: non-empty, escaped as chat text (custom actions may read them). */
function context(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== '').map(([k, v]) => [k, chatText(v, SHORT)]));
}

/** The notification for one match. */
export function matchNotification(f: AlertFacts): ChatbotNotification {
  const d = f.doc;
  const failed = f.errorCode || f.errorMessage ? ` — failed: ${code(f.errorCode)} ${f.errorMessage ? code(f.errorMessage, 400) : ''}`.trimEnd() : '';
  const identity = f.identityType ? ` (${code(f.identityType, 64)})` : '';
  const description = [
    `*Who:* ${code(d.actor)}${identity} from ${code(d.sourceIPAddress)}`,
    `*What:* ${code(d.eventName)} on ${code(d.eventSource)}${failed}`,
    `*Where:* account ${code(d.recipientAccountId)}, region ${code(d.awsRegion)}, at ${code(d.eventTime)}`,
    `*User agent:* ${code(f.userAgent, 300)}`,
    ...(f.requestParameters ? [`*Request:* ${code(f.requestParameters, 300)}`] : []),
    ...(f.s3Object ? [`*S3 object:* ${code(f.s3Object, 300)}`] : []),
    ...attackLine(f.attack),
    ...notesLines(f),
    [f.consoleUrl ? `<${f.consoleUrl}|Open the event in CloudTrail>` : '', `rule ${code(d.ruleFile)}`].filter((x) => x !== '').join(' · '),
  ].join('\n');
  return {
    version: '1.0',
    source: 'custom',
    id: token(`${d.ruleId}:${d.eventID}`),
    content: {
      textType: 'client-markdown',
      title: `${levelTag(d.level)} ${chatText(d.title, 150)}: ${code(d.eventName, 64)} by ${code(d.actor, 120)} in ${code(d.recipientAccountId, 32)}/${code(d.awsRegion, 32)}`,
      description,
      nextSteps: renderSteps(matchNextSteps(f)),
      keywords: keywords(d.level, f.attack),
    },
    metadata: {
      threadId: token(`${d.ruleId}-${d.recipientAccountId}`),
      summary: chatText(`[${d.level.toUpperCase()}] ${d.title}: ${d.eventName} by ${d.actor} in ${d.recipientAccountId}/${d.awsRegion}`, 200),
      eventType: 'CloudTrailSigmaMatch',
      relatedResources: [d.actor.startsWith('arn:') ? d.actor : '', f.s3Object].filter((x) => x !== '').map((x) => chatText(x, SHORT)),
      additionalContext: context({
        ruleId: d.ruleId,
        ruleFile: d.ruleFile,
        eventID: d.eventID,
        eventTime: d.eventTime,
        eventName: d.eventName,
        eventSource: d.eventSource,
        accountId: d.recipientAccountId,
        region: d.awsRegion,
        sourceIPAddress: d.sourceIPAddress,
        errorCode: f.errorCode,
        logFile: d.source,
      }),
    },
  };
}

const countedCodes = (values: readonly Counted[]) => values.map((c) => `${code(c.value)} ×${c.count}`).join(', ') || '-';

/** The notification for a storm: one rule matched many records of one log file. */
export function stormNotification(s: StormSummary, notes: RuleNotes): ChatbotNotification {
  const attack = attackView(s.tags);
  const top = (values: readonly Counted[]) => values[0]?.value ?? '';
  const description = [
    `*How many:* ${s.count} matches in one log file, sent as one alert`,
    `*When:* ${code(s.firstEventTime)} to ${code(s.lastEventTime)}`,
    `*What:* ${countedCodes(s.eventNames)}`,
    `*Where:* accounts ${countedCodes(s.accounts)}; regions ${countedCodes(s.regions)}`,
    `*Top actors:* ${countedCodes(s.topActors)}`,
    `*Top source IPs:* ${countedCodes(s.topSourceIPs)}`,
    `*Sample events:* ${s.samples.slice(0, 5).map((x) => (x.url ? `<${x.url}|${chatText(x.eventID, 64).replace(/[|>]/g, '_')}>` : code(x.eventID))).join(', ') || '-'}`,
    ...attackLine(attack),
    ...notesLines(notes),
    `rule ${code(s.ruleFile)} · log file ${code(s.source, 300)}`,
  ].join('\n');
  return {
    version: '1.0',
    source: 'custom',
    id: token(`${s.ruleId}:storm:${s.samples[0]?.eventID ?? s.firstEventTime}`),
    content: {
      textType: 'client-markdown',
      title: `${levelTag(s.level)} ${s.count}× ${chatText(s.title, 150)}: ${code(top(s.eventNames), 64)} in ${code(top(s.accounts), 32)}/${code(top(s.regions), 32)}`,
      description,
      nextSteps: renderSteps(stormNextSteps(s)),
      keywords: keywords(s.level, attack),
    },
    metadata: {
      threadId: token(`${s.ruleId}-${top(s.accounts)}`),
      summary: chatText(`[${s.level.toUpperCase()}] ${s.count}x ${s.title} in ${top(s.accounts)}/${top(s.regions)}`, 200),
      eventType: 'CloudTrailSigmaAggregate',
      relatedResources: s.topActors.map((a) => a.value).filter((a) => a.startsWith('arn:')).map((a) => chatText(a, SHORT)),
      additionalContext: context({
        ruleId: s.ruleId,
        ruleFile: s.ruleFile,
        count: String(s.count),
        firstEventTime: s.firstEventTime,
        lastEventTime: s.lastEventTime,
        sampleEventIDs: s.samples.slice(0, 5).map((x) => x.eventID).join(','),
        logFile: s.source,
      }),
    },
  };
}
