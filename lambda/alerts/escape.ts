/**
 * Attacker-controlled text (user agents, user names, request parameters, error messages, object keys) made safe
 * for each channel that shows it to a person. Machines get the raw values in JSON; people get these.
 */

/**
 * C0/C1 control characters, and the invisible format characters that can disguise text: bidirectional overrides
 * and isolates (Trojan-Source style reordering), zero-width characters, and the byte order mark.
 */
export const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Every hidden character shown as a visible `\uXXXX`, so nothing can break a line, reorder text or hide. */
export function visibleControls(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most `max` characters (code points, never half a surrogate pair), with a visible note of what was cut. */
export function cut(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max).join('')}… [+${points.length - max} chars]`;
}

/** One line of plain text for email: hidden characters made visible, length capped. */
export function plainValue(text: string, max: number): string {
  return cut(visibleControls(text), max);
}

/**
 * Slack (through AWS Chatbot, which passes Slack's own syntax through) reads `<…>` as mentions (`<!channel>`,
 * `<@U123>`) and links (`<https://x|y>`), and `@here` as a mention where names are linked. Look-alike characters
 * keep the text readable without those meanings; HTML entities are not used because whether Chatbot decodes them
 * is not documented.
 */
function defang(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›').replace(/@/g, '＠');
}

/** Text for Slack outside code: hidden characters visible, mentions and links defused, length capped. */
export function chatText(text: string, max: number): string {
  return defang(plainValue(text, max));
}

/**
 * An attacker-controlled value for Slack as inline code: inside backticks `*`, `_`, `~`, `[…](…)` and emoji codes
 * are not formatted, and a backtick in the value (which would close the span) becomes a look-alike.
 */
export function chatCode(text: string, max: number): string {
  if (text === '') return '-';
  return `\`${chatText(text, max).replace(/`/g, 'ˋ')}\``;
}

/** Folds the hard line breaks of YAML block text into one paragraph. */
export function oneParagraph(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
