/**
 * Valid but awkward text that callers control (object keys, tags, user agents, descriptions). A record reader must
 * split records and read fields correctly whatever these contain; in particular the forged-looking
 * `"eventName":"StopLogging"` must neither hide the real event nor create a fake one.
 */
import type { Rng } from './prng.ts';

export const FORGED_FIELD = '"eventName":"StopLogging"';

const TRICKY_TEXT = [
  `{${FORGED_FIELD},"eventSource":"cloudtrail.amazonaws.com"}`,
  `notes ${FORGED_FIELD} end`,
  '}]},{"eventVersion":"1.08","eventName":"DeleteTrail"',
  'report "Q1" (final).csv',
  'C:\\Users\\build\\',
  'path\\with \\"escaped\\" quotes\\\\',
  'Ünïcödé – ñandú 日本語のキー 🚀✨',
  'line\u2028separator\u2029paragraph',
  'tab\tand\nnewline',
  'zero\u200bwidth \u00a0nbsp 👩‍💻',
  '{"Records":[{"eventName":"ConsoleLogin"}]}',
  '\\u0022eventName\\u0022:\\u0022StopLogging\\u0022',
];

export function trickyText(rng: Rng): string {
  return rng.pick(TRICKY_TEXT);
}

const TRICKY_USER_AGENTS = [
  `curl/8.5.0 ${FORGED_FIELD}`,
  `python-requests/2.31.0 {"eventName":"StopLogging","readOnly":true}`,
  'Mozilla/5.0 (compatible; scanner/1.0; "quoted" \\"escaped\\" }]}) ',
  'custom-agent/1.0 (Ünïcödé; 日本語; 🚀)',
  'legacy-tool/0.9 C:\\Program Files\\tool\\',
];

export function trickyUserAgent(rng: Rng): string {
  return rng.pick(TRICKY_USER_AGENTS);
}
