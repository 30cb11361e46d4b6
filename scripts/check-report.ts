/**
 * Checks the HTML rule catalog in a real browser (headless Chromium, Debian package `chromium`): writes the
 * catalog with `cloudtrail-sigma rules report`, checks every link resolves inside it, loads the index and a rule
 * page (the DOM must hold the expected heading) and saves a screenshot of each for a person to look at.
 *
 *   npx tsx scripts/check-report.ts [--out DIR] [--rules DIR]… [--page rules/<rule>.html]
 *
 * Exit 0 when all holds, 1 when a check fails, 2 when Chromium is missing. Not part of `npm test` (CI has no
 * browser); the test suite checks the same catalog structurally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { brokenLinks, htmlFiles } from '../cli/catalog/links.ts';
import { PROJECT_ROOT } from '../cli/rulesSource.ts';

const CHROMIUM_TIMEOUT_MS = 90_000;
const WINDOW = { width: 1400, height: 1000 };

const { values } = parseArgs({
  options: { out: { type: 'string' }, rules: { type: 'string', multiple: true }, page: { type: 'string' } },
});
const out = resolve(values.out ?? mkdtempSync(join(tmpdir(), 'cloudtrail-sigma-report-')));
const problems: string[] = [];

function chromium(args: string[]): { ok: boolean; stdout: string; detail: string } {
  const profile = mkdtempSync(join(tmpdir(), 'cloudtrail-sigma-chromium-'));
  try {
    const run = spawnSync('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, ...args,
    ], { encoding: 'utf8', timeout: CHROMIUM_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error('check-report: chromium is not installed (Debian: apt-get install -y chromium)');
      process.exit(2);
    }
    return { ok: run.status === 0, stdout: run.stdout ?? '', detail: run.error?.message ?? run.stderr.split('\n').slice(-3).join(' ') };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } | undefined {
  const b = readFileSync(file);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Loads a page, checks its DOM has the heading, and screenshots it. */
function checkPage(page: string): void {
  const url = pathToFileURL(join(out, page)).href;
  const heading = /<h1>([^<]*)<\/h1>/.exec(readFileSync(join(out, page), 'utf8'))?.[1];
  const dom = chromium(['--dump-dom', url]);
  if (!dom.ok) problems.push(`${page}: chromium could not load it (${dom.detail})`);
  else if (!heading || !dom.stdout.includes(`<h1>${heading}</h1>`)) problems.push(`${page}: the loaded DOM lacks its heading`);
  const shot = join(out, `${page.replace(/[/.]/g, '_')}.png`);
  const snap = chromium([`--screenshot=${shot}`, `--window-size=${WINDOW.width},${WINDOW.height}`, url]);
  const size = existsSync(shot) ? pngSize(shot) : undefined;
  if (!snap.ok || !size) problems.push(`${page}: no screenshot (${snap.detail})`);
  else if (size.width !== WINDOW.width || size.height !== WINDOW.height) problems.push(`${page}: screenshot is ${size.width}x${size.height}`);
  else console.error(`check-report: ${page} loaded; screenshot ${shot}`);
}

const report = spawnSync(process.execPath, [
  join(PROJECT_ROOT, 'bin', 'cloudtrail-sigma.mjs'), 'rules', 'report', '--out', out,
  ...(values.rules ?? []).flatMap((r) => ['--rules', r]),
], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
if (report.status !== 0) {
  console.error(`check-report: rules report exited ${String(report.status)}`);
  process.exit(1);
}

const pages = htmlFiles(out);
problems.push(...brokenLinks(out));
const rulePage = values.page ?? pages.find((p) => p.startsWith('rules/'));
for (const page of ['index.html', ...(rulePage ? [rulePage] : [])]) checkPage(page);

for (const p of problems) console.error(`check-report: ${p}`);
console.error(`check-report: ${pages.length} pages in ${out}: ${problems.length ? `${problems.length} problem(s)` : 'every link resolves, the pages load'}`);
process.exitCode = problems.length ? 1 : 0;
