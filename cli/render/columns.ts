/** Fixed-width terminal columns for untrusted text (record fields, rule text). */

/** Control characters and escapes must not repaint the terminal. */
export const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** `s` cleaned and cut or padded to `width` characters. */
export const fit = (s: string, width: number) => {
  const c = clean(s);
  return c.length > width ? `${c.slice(0, width - 1)}…` : c.padEnd(width);
};
