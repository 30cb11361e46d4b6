/**
 * Checks that a static HTML folder is closed: every href points to a file that exists inside it, and every
 * `#fragment` to an element id on that page. Used by the report tests and scripts/check-report.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const HREF = /\shref="([^"]*)"/g;
const ID = /\sid="([^"]*)"/g;

const unescapeAttr = (v: string) =>
  v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => f.split(sep).join('/'))
    .sort();
}

/** Every broken link as `page: href (why)`; empty when all resolve. */
export function brokenLinks(dir: string): string[] {
  const root = resolve(dir);
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let set = ids.get(file);
    if (!set) {
      set = new Set([...readFileSync(file, 'utf8').matchAll(ID)].map((m) => unescapeAttr(m[1]!)));
      ids.set(file, set);
    }
    return set;
  };
  const problems: string[] = [];
  for (const page of htmlFiles(root)) {
    const from = join(root, page);
    for (const [, raw] of readFileSync(from, 'utf8').matchAll(HREF)) {
      const href = unescapeAttr(raw!);
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
        problems.push(`${page}: ${href} (leaves the catalog)`);
        continue;
      }
      const [path, fragment] = href.split('#', 2) as [string, string | undefined];
      const target = path ? resolve(dirname(from), decodeURIComponent(path)) : from;
      if (relative(root, target).startsWith('..')) problems.push(`${page}: ${href} (outside the folder)`);
      else if (!existsSync(target)) problems.push(`${page}: ${href} (no such file)`);
      else if (fragment && !idsOf(target).has(decodeURIComponent(fragment))) problems.push(`${page}: ${href} (no element with id '${fragment}')`);
    }
  }
  return problems;
}
