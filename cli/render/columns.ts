/** Fixed-width terminal columns for untrusted text (record fields, rule text). */

import { HIDDEN } from '../../lambda/alerts/escape.ts';

/** Control characters and escapes must not repaint the terminal, nor bidirectional overrides reorder a line. */
export const clean = (s: string) => s.replace(HIDDEN, '?');

/** `s` cleaned and cut or padded to `width` characters. */
export const fit = (s: string, width: number) => {
  const c = clean(s);
  return c.length > width ? `${c.slice(0, width - 1)}…` : c.padEnd(width);
};
