/**
 * A MITRE ATT&CK Navigator layer (layer format 4.5) scoring each technique by the number of loaded rules tagged
 * with it. Techniques carry no `tactic`, so Navigator shows them under every tactic ATT&CK places them in.
 */
import { techniqueName } from './attack.ts';
import type { Catalog } from './model.ts';

/** Layer format and the Navigator and ATT&CK versions it was written against. */
export const LAYER_VERSIONS = { attack: '18', navigator: '5.2.0', layer: '4.5' } as const;

const LOW = '#dbe9ff';
const HIGH = '#1f5fbf';

export interface NavigatorOptions {
  /** @default 'cloudtrail-sigma rules' */
  readonly name?: string;
}

export interface NavigatorLayer {
  readonly name: string;
  readonly versions: typeof LAYER_VERSIONS;
  readonly domain: 'enterprise-attack';
  readonly description: string;
  readonly sorting: number;
  readonly layout: Record<string, string | boolean>;
  readonly hideDisabled: boolean;
  readonly techniques: readonly { techniqueID: string; score: number; comment: string; enabled: boolean; metadata: { name: string; value: string }[] }[];
  readonly gradient: { colors: string[]; minValue: number; maxValue: number };
  readonly legendItems: readonly { label: string; color: string }[];
  readonly showTacticRowBackground: boolean;
  readonly tacticRowBackground: string;
  readonly selectTechniquesAcrossTactics: boolean;
  readonly selectSubtechniquesWithParent: boolean;
  readonly selectVisibleTechniques: boolean;
  readonly metadata: readonly { name: string; value: string }[];
}

export function navigatorLayer(catalog: Catalog, options: NavigatorOptions = {}): NavigatorLayer {
  const techniques = [...catalog.byTechnique].map(([id, rules]) => ({
    techniqueID: id,
    score: rules.length,
    comment: rules.map((r) => r.rule.meta.title).join('; '),
    enabled: true,
    metadata: [
      ...(techniqueName(id) ? [{ name: 'technique', value: techniqueName(id)! }] : []),
      ...rules.map((r) => ({ name: r.rule.meta.level, value: `${r.rule.meta.title} (${r.rule.ruleFile})` })),
    ],
  }));
  const max = Math.max(1, ...techniques.map((t) => t.score));
  // The gradient starts at one rule; maxValue must exceed minValue, even when no technique has two rules.
  const top = Math.max(2, max);
  return {
    name: options.name ?? 'cloudtrail-sigma rules',
    versions: LAYER_VERSIONS,
    domain: 'enterprise-attack',
    description: `Techniques covered by ${catalog.rules.length} cloudtrail-sigma rules; score = number of rules tagged with the technique.`,
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques,
    gradient: { colors: [LOW, HIGH], minValue: 1, maxValue: top },
    legendItems: [{ label: '1 rule', color: LOW }, ...(max > 1 ? [{ label: `${max} rules`, color: HIGH }] : [])],
    showTacticRowBackground: true,
    tacticRowBackground: '#16213a',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata: [
      { name: 'generator', value: 'cloudtrail-sigma rules navigator' },
      { name: 'rules', value: String(catalog.rules.length) },
    ],
  };
}
