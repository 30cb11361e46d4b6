/**
 * One rule's page: what it is (status, level, log source, author, description, references, false positives), what
 * it covers (ATT&CK, API calls and the other rules on them), and how it decides (condition stages, predicates and
 * the indicator table with how widely each indicator is shared).
 */
import type { Condition, Detection } from '../../lambda/sigma/index.ts';
import { techniqueName } from './attack.ts';
import { conditionText, predicateGroups, stagesOf } from './describe.ts';
import type { Predicate } from './describe.ts';
import type { ShowValue } from './displayCase.ts';
import { esc, levelBadge, link, page, statusBadge, valueList } from './html.ts';
import type { Catalog, CatalogRule } from './model.ts';

const ROOT = '../';
/** A rule page links to other rule pages, which sit beside it. */
const sibling = (r: CatalogRule) => r.page.replace(/^rules\//, '');

function predicate(p: Predicate, show: ShowValue): string {
  return `<span class="field">${esc(p.field)}</span> <span class="op">${esc(p.operator)}</span> ${p.values.length ? valueList(p.values.map(show)) : ''}`;
}

function detectionLogic(d: Detection, show: ShowValue): string {
  const groups = predicateGroups(d);
  const all = (g: Predicate[]) => `<ul class="logic">${g.map((p) => `<li>${predicate(p, show)}</li>`).join('')}</ul>`;
  if (groups.length === 1) return all(groups[0]!);
  const group = (g: Predicate[]) => g.map((p) => predicate(p, show)).join(' <span class="op">AND</span> ');
  return `<div class="muted">any of these ${groups.length} groups:</div><ol class="logic">${groups.map((g) => `<li>${group(g)}</li>`).join('')}</ol>`;
}

/**
 * A condition node with its predicates. Negation is pushed down to the searches (De Morgan: under a `not`, all-of
 * reads any-of), so every search says plainly whether it must match or must not.
 */
function logic(c: Condition, rule: CatalogRule, show: ShowValue, negated: boolean): string {
  switch (c.op) {
    case 'ref': {
      const d = rule.rule.detections[c.name];
      const verdict = negated ? '<span class="must-not">must not match</span>' : '<span class="must">must match</span>';
      return `<code>${esc(c.name)}</code> ${verdict}${d ? detectionLogic(d, show) : ''}`;
    }
    case 'not':
      return logic(c.arg, rule, show, !negated);
    case 'and':
    case 'or': {
      const label = (c.op === 'and') !== negated ? 'ALL OF' : 'ANY OF';
      return `<span class="op">${label}</span><ul class="logic">${c.args.map((a) => `<li>${logic(a, rule, show, negated)}</li>`).join('')}</ul>`;
    }
    case 'const':
      return `<span class="op">${c.value !== negated ? 'ALWAYS TRUE' : 'NEVER TRUE'}</span>`;
  }
}

function stages(r: CatalogRule, show: ShowValue): string {
  const list = stagesOf(r.rule.condition);
  const items = list.map((s, i) =>
    `<li><div class="stage-head">Stage ${i + 1}: <code>${esc(conditionText(s))}</code></div>${logic(s, r, show, false)}</li>`);
  return `<p>Condition: <code>${esc(conditionText(r.rule.condition))}</code> — every stage must hold for the rule to fire.</p><ol class="stages">${items.join('')}</ol>`;
}

function indicatorTable(r: CatalogRule, show: ShowValue): string {
  const rows = r.indicators.map((i) => `<tr><td><code>${esc(i.search)}</code></td><td>${i.role === 'match' ? '<span class="must">match</span>' : i.role === 'exclude' ? '<span class="must-not">exclude</span>' : 'both'}</td><td class="field">${esc(i.field)}</td><td>${esc(i.operator)}</td><td>${valueList(i.values.map(show))}</td><td>${i.sharedWith}</td></tr>`);
  return `<table><thead><tr><th>Search</th><th>Role</th><th>Field</th><th>Operator</th><th>Values</th><th>Other rules using it</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function attack(r: CatalogRule, catalog: Catalog): string {
  if (!r.tactics.length && !r.techniques.length) return '<p class="muted">No ATT&amp;CK tags.</p>';
  // Only tactics with techniques have a matrix column to link to.
  const inMatrix = new Set(catalog.matrix.map((c) => c.tactic.shortName));
  const tactics = r.tactics.map((t) => {
    const label = `${t.id} ${t.name}`.trim();
    return `<li>${inMatrix.has(t.shortName) ? link(`${ROOT}index.html#tactic-${t.shortName}`, label) : esc(label)}</li>`;
  }).join('');
  const techniques = r.techniques.map((t) => `<li>${link(`${ROOT}index.html#${t}`, t)} ${esc(techniqueName(t) ?? '')}</li>`).join('');
  return `<h3>Tactics</h3><ul class="plain">${tactics || '<li class="muted">none tagged</li>'}</ul><h3>Techniques</h3><ul class="plain">${techniques || '<li class="muted">none tagged</li>'}</ul>`;
}

function apiCalls(r: CatalogRule, catalog: Catalog, show: ShowValue): string {
  const { exact, patterns } = r.eventNames;
  if (!exact.length && !patterns.length) {
    return '<p class="muted">The condition does not pin eventName to a list of calls: the rule is evaluated on every record.</p>';
  }
  const rows = exact.map((e) => {
    const others = (catalog.byEventName.get(e) ?? []).filter((o) => o !== r);
    const links = others.map((o) => `<span class="pill">${link(sibling(o), o.rule.meta.title)} ${levelBadge(o.rule.meta.level)}</span>`).join('');
    return `<tr><td><code>${esc(show(e))}</code></td><td>${links || '<span class="muted">no other rule</span>'}</td></tr>`;
  });
  const patternNote = patterns.length ? `<p>Also any call matching ${valueList(patterns)}.</p>` : '';
  return `<table><thead><tr><th>eventName</th><th>Other rules on the same call</th></tr></thead><tbody>${rows.join('')}</tbody></table>${patternNote}`;
}

function listOrNone(items: readonly string[], none: string): string {
  return items.length ? `<ul class="plain">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : `<p class="muted">${esc(none)}</p>`;
}

function filters(r: CatalogRule): string {
  if (!r.filters.length) return '';
  const items = r.filters.map((f) => `<li><strong>${esc(f.title)}</strong> <span class="muted">(${esc(f.ruleFile)})</span>${f.description ? `<div class="muted">${esc(f.description)}</div>` : ''}</li>`);
  return `<h2 id="filters">Tuning filters applied</h2><p>Their searches appear in the condition stages above as <code>&lt;filter file&gt;:&lt;name&gt;</code>.</p><ul class="plain">${items.join('')}</ul>`;
}

export function rulePage(r: CatalogRule, catalog: Catalog, show: ShowValue): string {
  const m = r.rule.meta;
  const logsource = Object.entries(m.logsource).map(([k, v]) => `${k}: ${v}`).join(', ');
  const facts: [string, string][] = [
    ['Status', statusBadge(m.status)],
    ['Level', levelBadge(m.level)],
    ['Log source', esc(logsource)],
    ['Author', esc(m.author || '—')],
    ['Date', esc([m.date, m.modified && `modified ${m.modified}`].filter(Boolean).join(', ') || '—')],
    ['Rule id', `<code>${esc(m.id || '—')}</code>`],
    ['Rule file', `<code>${esc(r.rule.ruleFile)}</code>`],
  ];
  const body = `
<h1>${esc(m.title)}</h1>
<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h2 id="description">Description</h2>
<div class="description">${esc(m.description || 'No description.')}</div>
<h2 id="attack">ATT&amp;CK coverage</h2>
${attack(r, catalog)}
<h2 id="calls">API calls watched</h2>
${apiCalls(r, catalog, show)}
<h2 id="logic">Detection logic</h2>
${stages(r, show)}
<h2 id="indicators">Indicators</h2>
<p class="lead">Each field test of the rule; the last column counts the other loaded rules with the same field, operator and values.</p>
${indicatorTable(r, show)}
${filters(r)}
<h2 id="falsepositives">False positives</h2>
${listOrNone(m.falsepositives, 'None listed.')}
<h2 id="references">References</h2>
<p class="lead">Shown as text: the catalog makes no network requests.</p>
${m.references.length ? `<ul class="plain">${m.references.map((u) => `<li><code>${esc(u)}</code></li>`).join('')}</ul>` : '<p class="muted">None listed.</p>'}
`;
  return page(`${m.title} — cloudtrail-sigma rule`, ROOT, body);
}
