/** Writes the catalog as static files: `index.html` and `rules/<rule>.html`, every page self-contained. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ShowValue } from './displayCase.ts';
import { indexPage } from './indexPage.ts';
import type { Catalog } from './model.ts';
import { rulePage } from './rulePage.ts';

/** Writes into `outDir` (created if needed) and returns the paths written, relative to it. */
export function writeReport(catalog: Catalog, show: ShowValue, outDir: string): string[] {
  const files = new Map<string, string>([['index.html', indexPage(catalog, show)]]);
  for (const r of catalog.rules) files.set(r.page, rulePage(r, catalog, show));
  for (const [path, html] of files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), html);
  }
  return [...files.keys()];
}
