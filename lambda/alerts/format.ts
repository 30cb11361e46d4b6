/**
 * An alert → one SNS message with `MessageStructure: "json"`: every protocol gets its own rendering.
 *   default (AWS Chatbot, https) → Chatbot custom notification JSON
 *   email                        → plain-text body
 *   sqs, lambda, firehose, email-json → machine JSON (machine.ts)
 * plus a short ASCII subject and the attributes subscriptions filter on. The whole message stays within SNS's
 * 256 KiB: the record is the only unbounded part, so it is what gets cut (truncate.ts).
 */
import type { MatchDocument } from './matchDocument.ts';
import type { OutgoingAlert } from './publisher.ts';
import { alertBytes, MAX_PUBLISH_BYTES, MAX_SUBJECT_LENGTH } from './publisher.ts';
import type { RuleNotes } from './facts.ts';
import { alertFacts } from './facts.ts';
import { matchEmail, stormEmail } from './email.ts';
import { matchNotification, stormNotification } from './chatbot.ts';
import { machineAggregate, machineMatch } from './machine.ts';
import type { StormSummary } from './storm.ts';
import { TOP_N } from './storm.ts';
import { fitRecord } from './truncate.ts';

const ascii = (text: string) => text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3))}...`);

/** `user/alice` from `arn:aws:iam::123456789012:user/alice`: the account is named separately in the subject. */
function shortActor(actor: string): string {
  const parts = actor.split(':');
  return actor.startsWith('arn:') && parts.length >= 6 ? parts.slice(5).join(':') : actor;
}

/**
 * `[LEVEL] title: eventName by actor in account/region`, under 100 ASCII characters. When that is too long the
 * actor ARN gives way to its resource part, then long names are clipped, then the title, so the level, event,
 * account and region always show.
 */
export function alertSubject(level: string, title: string, what: string, actor: string, account: string, region: string): string {
  const where = `${clip(ascii(account), 20) || '?'}/${clip(ascii(region), 20) || '?'}`;
  const make = (t: string, w: string, a: string) => `[${ascii(level).toUpperCase()}] ${t}: ${w} by ${a || 'unknown'} in ${where}`;
  const [t, w, a] = [ascii(title), ascii(what), ascii(actor)];
  for (const candidate of [make(t, w, a), make(t, w, ascii(shortActor(actor)))]) {
    if (candidate.length < MAX_SUBJECT_LENGTH) return candidate;
  }
  for (const max of [32, 24, 16, 8]) {
    const [w2, a2] = [clip(w, max), clip(ascii(shortActor(actor)), max)];
    const room = MAX_SUBJECT_LENGTH - 1 - make('', w2, a2).length;
    if (room >= Math.min(t.length, 12)) return make(clip(t, room), w2, a2);
  }
  return subjectLine(make(t, w, a));
}

/** The protocols that receive the machine JSON; every other one (https, Chatbot) falls back to `default`. */
export const MACHINE_PROTOCOLS = ['sqs', 'lambda', 'firehose', 'email-json'] as const;

/**
 * SNS subjects are printable ASCII on one line, under 100 characters: attacker text (user names, event names)
 * cannot inject a header or a control character.
 */
export function subjectLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return flat.length < MAX_SUBJECT_LENGTH ? flat : `${flat.slice(0, MAX_SUBJECT_LENGTH - 4)}...`;
}

/**
 * Attribute values are record text: characters SNS and SQS refuse in attributes (most control characters, lone
 * surrogates) would make SNS reject the whole alert, so they become `?`.
 */
function attributeValue(text: string): string {
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu, '?');
  return Array.from(clean).slice(0, 256).join('');
}

/** The message attributes subscription filter policies act on (contracts.md). */
export function alertAttributes(doc: Pick<MatchDocument, 'level' | 'ruleId' | 'eventName' | 'recipientAccountId'>): Record<string, string> {
  return {
    severity: doc.level,
    ruleId: attributeValue(doc.ruleId),
    eventName: attributeValue(doc.eventName),
    accountId: attributeValue(doc.recipientAccountId),
  };
}

/** The `MessageStructure: "json"` message: an object of one string per protocol, `default` required. */
export function structuredMessage(parts: { chatbot: string; email: string; machine: string }): string {
  const message: Record<string, string> = { default: parts.chatbot, email: parts.email };
  for (const protocol of MACHINE_PROTOCOLS) message[protocol] = parts.machine;
  return JSON.stringify(message);
}

/** One alert for one match; a record too large for SNS is cut to fit, key fields first to stay. */
export function matchAlert(doc: MatchDocument, notes: RuleNotes, id: string): OutgoingAlert {
  const facts = alertFacts(doc, notes);
  const subject = alertSubject(doc.level, doc.title, doc.eventName, doc.actor, doc.recipientAccountId, doc.awsRegion);
  const attributes = alertAttributes(doc);
  const human = { chatbot: JSON.stringify(matchNotification(facts)), email: matchEmail(facts) };
  const messageWith = (record: Record<string, unknown>) =>
    structuredMessage({ ...human, machine: JSON.stringify(machineMatch(doc, record, record !== doc.record)) });
  const fits = (record: Record<string, unknown>) => alertBytes({ subject, attributes, message: messageWith(record) }) <= MAX_PUBLISH_BYTES;
  const { record } = fitRecord(doc.record, fits);
  return { id, subject, message: messageWith(record), messageStructure: 'json', attributes };
}

/** One aggregated alert for a storm (bounded in size by construction: no records, capped values). */
export function stormAlert(summary: StormSummary, notes: RuleNotes, id: string): OutgoingAlert {
  const top = (values: readonly { value: string }[]) => values[0]?.value ?? '';
  const actors = summary.topActors.length <= 1 ? top(summary.topActors) : `${summary.topActors.length}${summary.topActors.length === TOP_N ? '+' : ''} actors`;
  const subject = alertSubject(summary.level, `${summary.count}x ${summary.title}`, top(summary.eventNames), actors, top(summary.accounts), top(summary.regions));
  const attributes = alertAttributes({ level: summary.level, ruleId: summary.ruleId, eventName: top(summary.eventNames), recipientAccountId: top(summary.accounts) });
  const message = structuredMessage({
    chatbot: JSON.stringify(stormNotification(summary, notes)),
    email: stormEmail(summary, notes),
    machine: JSON.stringify(machineAggregate(summary)),
  });
  return { id, subject, message, messageStructure: 'json', attributes };
}
