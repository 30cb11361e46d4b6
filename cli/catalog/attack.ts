/**
 * ATT&CK (Enterprise) names for what rule tags refer to: `attack.<tactic>` and `attack.tNNNN[.NNN]` (Sigma tags
 * appendix). Tactics in kill-chain order with their ids (ATT&CK v18, the version the project's rules are tagged
 * with); technique names for the techniques cloud rules use, so the catalog can say more than an id. A technique
 * missing here is shown by its id alone, and a tactic tag missing here (ATT&CK v19 split Defense Evasion into
 * `stealth` and `defense-impairment`) is kept with a name made from the tag and no id.
 */

export interface Tactic {
  /** The tag and Navigator short name, e.g. `defense-evasion`. */
  readonly shortName: string;
  /** `TA0005`; empty for a tactic this table does not know. */
  readonly id: string;
  readonly name: string;
}

export const TACTICS: readonly Tactic[] = [
  { shortName: 'reconnaissance', id: 'TA0043', name: 'Reconnaissance' },
  { shortName: 'resource-development', id: 'TA0042', name: 'Resource Development' },
  { shortName: 'initial-access', id: 'TA0001', name: 'Initial Access' },
  { shortName: 'execution', id: 'TA0002', name: 'Execution' },
  { shortName: 'persistence', id: 'TA0003', name: 'Persistence' },
  { shortName: 'privilege-escalation', id: 'TA0004', name: 'Privilege Escalation' },
  { shortName: 'defense-evasion', id: 'TA0005', name: 'Defense Evasion' },
  { shortName: 'credential-access', id: 'TA0006', name: 'Credential Access' },
  { shortName: 'discovery', id: 'TA0007', name: 'Discovery' },
  { shortName: 'lateral-movement', id: 'TA0008', name: 'Lateral Movement' },
  { shortName: 'collection', id: 'TA0009', name: 'Collection' },
  { shortName: 'command-and-control', id: 'TA0011', name: 'Command and Control' },
  { shortName: 'exfiltration', id: 'TA0010', name: 'Exfiltration' },
  { shortName: 'impact', id: 'TA0040', name: 'Impact' },
];

const TECHNIQUE_NAMES: Readonly<Record<string, string>> = {
  T1021: 'Remote Services',
  'T1021.004': 'SSH',
  'T1021.007': 'Cloud Services',
  T1059: 'Command and Scripting Interpreter',
  'T1059.009': 'Cloud API',
  T1069: 'Permission Groups Discovery',
  'T1069.003': 'Cloud Groups',
  T1070: 'Indicator Removal',
  T1078: 'Valid Accounts',
  'T1078.001': 'Default Accounts',
  'T1078.004': 'Cloud Accounts',
  T1087: 'Account Discovery',
  'T1087.004': 'Cloud Account',
  T1098: 'Account Manipulation',
  'T1098.001': 'Additional Cloud Credentials',
  'T1098.003': 'Additional Cloud Roles',
  'T1098.004': 'SSH Authorized Keys',
  T1110: 'Brute Force',
  T1136: 'Create Account',
  'T1136.003': 'Cloud Account',
  T1190: 'Exploit Public-Facing Application',
  T1484: 'Domain or Tenant Policy Modification',
  'T1484.002': 'Trust Modification',
  T1485: 'Data Destruction',
  T1486: 'Data Encrypted for Impact',
  T1490: 'Inhibit System Recovery',
  T1496: 'Resource Hijacking',
  'T1496.001': 'Compute Hijacking',
  'T1496.004': 'Cloud Service Hijacking',
  T1526: 'Cloud Service Discovery',
  T1530: 'Data from Cloud Storage',
  T1537: 'Transfer Data to Cloud Account',
  T1538: 'Cloud Service Dashboard',
  T1550: 'Use Alternate Authentication Material',
  'T1550.001': 'Application Access Token',
  T1552: 'Unsecured Credentials',
  'T1552.005': 'Cloud Instance Metadata API',
  T1555: 'Credentials from Password Stores',
  'T1555.006': 'Cloud Secrets Management Stores',
  T1556: 'Modify Authentication Process',
  'T1556.006': 'Multi-Factor Authentication',
  T1562: 'Impair Defenses',
  'T1562.001': 'Disable or Modify Tools',
  'T1562.007': 'Disable or Modify Cloud Firewall',
  'T1562.008': 'Disable or Modify Cloud Logs',
  T1578: 'Modify Cloud Compute Infrastructure',
  T1580: 'Cloud Infrastructure Discovery',
  T1584: 'Compromise Infrastructure',
  'T1584.001': 'Domains',
  T1619: 'Cloud Storage Object Discovery',
  T1648: 'Serverless Execution',
  T1651: 'Cloud Administration Command',
  T1666: 'Modify Cloud Resource Hierarchy',
};

const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
/** `attack.<words>` that is not a technique, group (gNNNN) or software (sNNNN) id. */
const TACTIC_TAG = /^attack\.([a-z]+(?:-[a-z]+)*)$/;
const KNOWN_TACTICS = new Map(TACTICS.map((t) => [t.shortName, t]));

function tacticOf(shortName: string): Tactic {
  const name = shortName.split('-').map((w) => (w === 'and' ? w : w[0]!.toUpperCase() + w.slice(1))).join(' ');
  return KNOWN_TACTICS.get(shortName) ?? { shortName, id: '', name };
}

/** `T1098.001` → `Account Manipulation: Additional Cloud Credentials`, as ATT&CK writes sub-techniques. */
export function techniqueName(id: string): string | undefined {
  const own = TECHNIQUE_NAMES[id];
  if (!own) return undefined;
  const parent = id.includes('.') ? TECHNIQUE_NAMES[id.split('.')[0]!] : undefined;
  return parent ? `${parent}: ${own}` : own;
}

/** Kill-chain position: known tactics in ATT&CK order, others after them by name. */
export const tacticOrder = (a: Tactic, b: Tactic): number => {
  const rank = (t: Tactic) => (t.id ? TACTICS.findIndex((k) => k.shortName === t.shortName) : TACTICS.length);
  return rank(a) - rank(b) || a.shortName.localeCompare(b.shortName);
};

/** The tactics (in kill-chain order) and technique ids (upper-case, sorted) a rule's tags name. */
export function attackOf(tags: readonly string[]): { tactics: Tactic[]; techniques: string[] } {
  const lower = new Set(tags.map((t) => t.toLowerCase()));
  const tactics = [...lower].flatMap((t) => {
    const m = TACTIC_TAG.exec(t);
    return m ? [tacticOf(m[1]!)] : [];
  }).sort(tacticOrder);
  const techniques = [...new Set([...lower].flatMap((t) => {
    const m = TECHNIQUE_TAG.exec(t);
    return m ? [m[1]!.toUpperCase()] : [];
  }))].sort();
  return { tactics, techniques };
}
