/** The de-duplication key of one alerted event (kept apart from dedup.ts so the plain path never loads DynamoDB). */
import { createHash } from 'node:crypto';

/** DynamoDB partition keys are at most 2048 bytes; longer keys (odd event ids, long object keys) are hashed. */
const MAX_READABLE_KEY_BYTES = 1024;

/**
 * Rule id and eventID; a record without eventID is keyed by its object and position, which still catches retries
 * and repeated notifications of the same object.
 */
export function claimKey(ruleId: string, eventID: string, source: string, recordIndex: number): string {
  const key = eventID !== '' ? `${ruleId}#${eventID}` : `${ruleId}#${source}#${recordIndex}`;
  return Buffer.byteLength(key) <= MAX_READABLE_KEY_BYTES ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
