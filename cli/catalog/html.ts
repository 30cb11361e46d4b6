/**
 * HTML building blocks of the catalog. Rule text is untrusted (anyone can write a rule file), so every piece of
 * it goes through `esc`, hrefs are only ever built from generated page names and ATT&CK ids, and each page carries
 * a Content-Security-Policy that allows no script, no network and no resource but its own inline style.
 */
import type { Level } from '../../lambda/sigma/index.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A page-relative link; `href` must come from generated names, never from rule text. */
export const link = (href: string, text: string, cls = ''): string =>
  `<a href="${esc(href)}"${cls ? ` class="${cls}"` : ''}>${esc(text)}</a>`;

export const levelBadge = (level: Level | string): string => `<span class="badge level-${esc(level)}">${esc(level)}</span>`;

export const statusBadge = (status: string): string => `<span class="badge status">${esc(status)}</span>`;

/** A list of values, cut after `max` so a rule with thousands of values keeps a readable page. */
export function valueList(values: readonly string[], max = 40): string {
  if (values.length === 0) return '<span class="muted">—</span>';
  const shown = values.slice(0, max).map((v) => `<code>${esc(v)}</code>`).join(' ');
  return values.length > max ? `${shown} <span class="muted">… and ${values.length - max} more</span>` : shown;
}

const CSS = `
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #d9dee5; --bg: #ffffff; --soft: #f4f6f9; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: var(--bg); }
header.top { background: #16213a; color: #fff; padding: 10px 28px; display: flex; gap: 18px; align-items: baseline; }
header.top a { color: #cfe0ff; }
header.top .brand { font-weight: 700; letter-spacing: .02em; }
main { padding: 18px 28px 40px; max-width: 1500px; }
h1 { font-size: 26px; margin: 6px 0 10px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--soft);
  border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
.muted { color: var(--muted); }
.lead { color: var(--muted); margin: 0 0 14px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 9px; font-size: 12px; font-weight: 600;
  text-transform: uppercase; letter-spacing: .03em; border: 1px solid transparent; }
.level-informational { background: #eef1f5; color: #4a5563; }
.level-low { background: #e3f0ff; color: #1a4f95; }
.level-medium { background: #fff3d6; color: #7a5200; }
.level-high { background: #ffe1cc; color: #9a3a00; }
.level-critical { background: #ffd6d9; color: #96101c; }
.status { background: #fff; color: var(--muted); border-color: var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.description { white-space: pre-line; background: var(--soft); border-left: 4px solid var(--accent); padding: 10px 14px; }
.matrix { table-layout: fixed; }
.matrix th, .matrix td { overflow-wrap: anywhere; hyphens: auto; }
.matrix th { font-size: 13px; }
.matrix th .tid { display: block; font-weight: 400; color: var(--muted); }
.matrix td { font-size: 13px; padding: 5px 6px; height: 64px; }
.matrix td.empty { background: #fafbfc; border-color: #eceff3; }
.matrix td a { font-weight: 600; }
.matrix td .name { display: block; color: var(--fg); }
.heat-1 { background: #eaf2ff; } .heat-2 { background: #cfe1ff; } .heat-3 { background: #a9c8fb; } .heat-4 { background: #7fabf3; }
.count { color: var(--muted); font-size: 12px; }
ol.stages > li { margin: 10px 0; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; background: #fcfdfe; }
.stage-head { font-weight: 600; }
.logic { margin: 4px 0 0 0; padding-left: 20px; }
.logic li { margin: 3px 0; }
.op { font-weight: 700; font-size: 12px; letter-spacing: .04em; color: #6b3fa0; }
.must-not { color: #96101c; font-weight: 600; }
.must { color: #176b2c; font-weight: 600; }
.field { font-weight: 600; }
.pill { display: inline-block; margin: 2px 6px 2px 0; }
ul.plain { margin: 4px 0; padding-left: 20px; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); margin-top: 30px; padding-top: 10px; }
`;

/**
 * A whole page. `root` is the relative path back to the catalog folder ('' for index.html, '../' for rule pages).
 * `body` must already be escaped HTML.
 */
export function page(title: string, root: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><span class="brand">cloudtrail-sigma</span>${link(`${root}index.html`, 'Rule catalog')}${link(`${root}index.html#coverage`, 'ATT&CK coverage')}${link(`${root}index.html#rules`, 'All rules')}</header>
<main>
${body}
<footer>Generated by <code>cloudtrail-sigma rules report</code>. Static pages: no script, no network.</footer>
</main>
</body>
</html>
`;
}
