/** A match → the SNS message: a short subject, the match document as JSON, and the filterable attributes. */
import type { MatchDocument } from './matchDocument.ts';
import type { OutgoingAlert } from './publisher.ts';
import { MAX_SUBJECT_LENGTH } from './publisher.ts';

/**
 * SNS subjects are printable ASCII on one line, under 100 characters: attacker text (user names, event names)
 * cannot inject a header or a control character.
 */
export function subjectLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return flat.length < MAX_SUBJECT_LENGTH ? flat : `${flat.slice(0, MAX_SUBJECT_LENGTH - 4)}...`;
}

export function alertAttributes(doc: MatchDocument): Record<string, string> {
  return { severity: doc.level, ruleId: doc.ruleId, eventName: doc.eventName, accountId: doc.recipientAccountId };
}

export function toOutgoingAlert(doc: MatchDocument, id: string): OutgoingAlert {
  return {
    id,
    subject: subjectLine(`[${doc.level.toUpperCase()}] ${doc.title}: ${doc.eventName} by ${doc.actor || 'unknown'} in ${doc.recipientAccountId}/${doc.awsRegion}`),
    message: JSON.stringify(doc),
    attributes: alertAttributes(doc),
  };
}
