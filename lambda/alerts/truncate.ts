/**
 * Cutting a CloudTrail record down to a size budget while it stays a JSON object with its key fields intact:
 * the bulky parts (request parameters, response elements, additional event data…) go first, each replaced by a
 * visible marker string that keeps a preview and says how much was cut.
 */

/** Fields a reader needs to identify and judge the event: kept, and only cut as a last resort. */
export const KEY_FIELDS: ReadonlySet<string> = new Set([
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'errorCode', 'errorMessage', 'requestID', 'eventID', 'eventType', 'readOnly', 'recipientAccountId', 'managementEvent',
  'eventCategory', 'sharedEventID', 'sessionCredentialFromConsole',
]);

export const TRUNCATION_MARKER = '[truncated by cloudtrail-sigma]';
const PREVIEW_CHARS = 1024;

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '');

/** The marker that replaces a value: the start of its JSON, then how many bytes it had. */
export function marker(value: unknown, previewChars: number): string {
  const json = JSON.stringify(value) ?? '';
  const preview = Array.from(json).slice(0, previewChars).join('');
  return `${preview}${preview ? ' ' : ''}${TRUNCATION_MARKER} ${Buffer.byteLength(json)} bytes`;
}

export interface FittedRecord {
  readonly record: Record<string, unknown>;
  readonly truncated: boolean;
}

/**
 * The record unchanged when `fits(record)`, else a copy with values replaced largest first until it fits:
 * other fields with a preview, then other fields without, then key fields with a preview, then without.
 * A record that cannot fit even so is reduced to eventID, eventName, eventTime and a marker.
 */
export function fitRecord(record: Record<string, unknown>, fits: (record: Record<string, unknown>) => boolean): FittedRecord {
  if (fits(record)) return { record, truncated: false };
  const copy: Record<string, unknown> = { ...record };
  const bySize = (keys: string[]) => keys.map((k) => ({ k, bytes: jsonBytes(copy[k]) })).sort((a, b) => b.bytes - a.bytes).map((x) => x.k);
  const others = bySize(Object.keys(copy).filter((k) => !KEY_FIELDS.has(k)));
  const keys = bySize(Object.keys(copy).filter((k) => KEY_FIELDS.has(k)));
  for (const [fields, preview] of [[others, PREVIEW_CHARS], [others, 0], [keys, PREVIEW_CHARS], [keys, 0]] as const) {
    for (const k of fields) {
      const original = record[k];
      if (jsonBytes(original) <= PREVIEW_CHARS) continue;
      copy[k] = marker(original, preview);
      if (fits(copy)) return { record: copy, truncated: true };
    }
  }
  const small = (v: unknown) => (jsonBytes(v) > 256 ? marker(v, 128) : v);
  const minimal = { eventID: small(record.eventID), eventName: small(record.eventName), eventTime: small(record.eventTime), truncated: TRUNCATION_MARKER };
  return { record: minimal, truncated: true };
}
