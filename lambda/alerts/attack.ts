/** A rule's Sigma `attack.*` tags → MITRE ATT&CK techniques (with their pages) and tactics, for people to read. */

export interface Technique {
  /** e.g. `T1098.001` */
  readonly id: string;
  readonly url: string;
}

export interface AttackView {
  readonly techniques: Technique[];
  /** Title case, e.g. `Defense Evasion`. */
  readonly tactics: string[];
}

const TECHNIQUE = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i;
/** Groups (g…), software (s…) and campaigns (c…) are not techniques or tactics. */
const NOT_TACTIC = /^attack\.[gsc]\d{4}$/i;

const titleWord = (w: string, i: number) => (i > 0 && w === 'and' ? w : w.charAt(0).toUpperCase() + w.slice(1));

export function attackView(tags: readonly string[]): AttackView {
  const techniques: Technique[] = [];
  const tactics: string[] = [];
  for (const tag of tags) {
    const t = TECHNIQUE.exec(tag);
    if (t) {
      const id = `T${t[1]}${t[2] ? `.${t[2]}` : ''}`;
      const url = `https://attack.mitre.org/techniques/T${t[1]}/${t[2] ? `${t[2]}/` : ''}`;
      if (!techniques.some((x) => x.id === id)) techniques.push({ id, url });
    } else if (/^attack\.[a-z][a-z_-]+$/i.test(tag) && !NOT_TACTIC.test(tag)) {
      const name = tag.slice('attack.'.length).split(/[-_]/).map(titleWord).join(' ');
      if (!tactics.includes(name)) tactics.push(name);
    }
  }
  return { techniques, tactics };
}
