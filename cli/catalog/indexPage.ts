/**
 * The catalog's index: the ATT&CK tactic × technique coverage matrix, the rules per technique, every rule with its
 * level and API calls, and the tuning filters in force.
 */
import { LEVELS } from '../../lambda/sigma/index.ts';
import { TACTICS, techniqueName } from './attack.ts';
import type { ShowValue } from './displayCase.ts';
import { esc, levelBadge, link, page, statusBadge } from './html.ts';
import type { Catalog, CatalogRule } from './model.ts';

const heat = (n: number) => `heat-${Math.min(4, n)}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function matrix(catalog: Catalog): string {
  if (catalog.matrix.length === 0) return '<p class="muted">No rule carries both an ATT&amp;CK tactic and a technique tag.</p>';
  const head = catalog.matrix.map((c) =>
    `<th id="tactic-${c.tactic.shortName}">${esc(c.tactic.name)}<span class="tid">${[c.tactic.id, plural(c.techniques.length, 'technique')].filter(Boolean).join(' · ')}</span></th>`);
  const depth = Math.max(...catalog.matrix.map((c) => c.techniques.length));
  const rows: string[] = [];
  for (let i = 0; i < depth; i++) {
    rows.push(`<tr>${catalog.matrix.map((c) => {
      const t = c.techniques[i];
      if (!t) return '<td class="empty"></td>';
      return `<td class="${heat(t.rules.length)}">${link(`#${t.id}`, t.id)}<span class="name">${esc(techniqueName(t.id) ?? '')}</span><span class="count">${plural(t.rules.length, 'rule')}</span></td>`;
    }).join('')}</tr>`);
  }
  const covered = new Set(catalog.matrix.map((c) => c.tactic.shortName));
  const gaps = TACTICS.filter((t) => !covered.has(t.shortName)).map((t) => t.name);
  const gapNote = gaps.length ? `<p class="muted">No rule yet for: ${esc(gaps.join(', '))}.</p>` : '';
  return `<table class="matrix"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${gapNote}`;
}

const ruleLink = (r: CatalogRule) => link(r.page, r.rule.meta.title);

function techniques(catalog: Catalog): string {
  return [...catalog.byTechnique].map(([id, rules]) => `
<h3 id="${id}">${esc(id)} ${esc(techniqueName(id) ?? '')} <span class="count">${plural(rules.length, 'rule')}</span></h3>
<ul class="plain">${rules.map((r) => `<li>${ruleLink(r)} ${levelBadge(r.rule.meta.level)}</li>`).join('')}</ul>`).join('');
}

function ruleTable(catalog: Catalog, show: ShowValue): string {
  const rows = catalog.rules.map((r) => {
    const calls = [...r.eventNames.exact.map(show), ...r.eventNames.patterns];
    const shown = calls.slice(0, 6).join(', ') + (calls.length > 6 ? `, … (${calls.length})` : '');
    return `<tr><td>${ruleLink(r)}</td><td>${levelBadge(r.rule.meta.level)}</td><td>${statusBadge(r.rule.meta.status)}</td><td>${esc(r.tactics.map((t) => t.name).join(', ') || '—')}</td><td>${esc(r.techniques.join(', ') || '—')}</td><td><code>${esc(shown || 'any')}</code></td></tr>`;
  });
  return `<table><thead><tr><th>Rule</th><th>Level</th><th>Status</th><th>Tactics</th><th>Techniques</th><th>API calls</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function filterTable(catalog: Catalog): string {
  if (!catalog.filters.length) return '<p class="muted">No filter documents loaded.</p>';
  const rows = catalog.filters.map((f) => {
    const tuned = catalog.rules.filter((r) => r.filters.includes(f));
    return `<tr><td>${esc(f.title)}</td><td><code>${esc(f.ruleFile)}</code></td><td>${tuned.map(ruleLink).join('<br>') || '<span class="muted">none</span>'}</td></tr>`;
  });
  return `<table><thead><tr><th>Filter</th><th>File</th><th>Applied to</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function indexPage(catalog: Catalog, show: ShowValue): string {
  const levels = LEVELS.map((l) => [l, catalog.rules.filter((r) => r.rule.meta.level === l).length] as const).filter(([, n]) => n > 0);
  const untagged = catalog.rules.filter((r) => r.techniques.length === 0).length;
  const body = `
<h1>Rule catalog</h1>
<p class="lead">${plural(catalog.rules.length, 'rule')} · ${plural(catalog.byTechnique.size, 'ATT&amp;CK technique')} · ${plural(catalog.matrix.length, 'tactic')} · ${plural(catalog.filters.length, 'filter')}${untagged ? ` · ${untagged} without a technique tag` : ''}</p>
<p>${levels.map(([l, n]) => `${levelBadge(l)} ${n}`).join(' &nbsp; ')}</p>
<h2 id="coverage">ATT&amp;CK coverage</h2>
<p class="lead">Tactics as columns; each cell a technique the rules of that tactic are tagged with, darker with more rules.</p>
${matrix(catalog)}
<h2>Rules by technique</h2>
${techniques(catalog)}
<h2 id="rules">All rules</h2>
${ruleTable(catalog, show)}
<h2 id="filters">Tuning filters</h2>
${filterTable(catalog)}
`;
  return page('cloudtrail-sigma rule catalog', '', body);
}
