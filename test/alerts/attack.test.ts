import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attackView } from '../../lambda/alerts/attack.ts';

describe('Function: attackView()', () => {
  it('turns technique tags into ids and ATT&CK pages, sub-techniques included', () => {
    assert.deepEqual(attackView(['attack.t1098.001', 'attack.T1110']).techniques, [
      { id: 'T1098.001', url: 'https://attack.mitre.org/techniques/T1098/001/' },
      { id: 'T1110', url: 'https://attack.mitre.org/techniques/T1110/' },
    ]);
  });

  it('names tactics in title case, from hyphen or underscore forms', () => {
    const { tactics } = attackView(['attack.defense-evasion', 'attack.privilege_escalation', 'attack.command-and-control']);
    assert.deepEqual(tactics, ['Defense Evasion', 'Privilege Escalation', 'Command and Control']);
  });

  it('ignores groups, software, other tag namespaces and repeats', () => {
    const view = attackView(['attack.g0016', 'attack.s0002', 'cve.2021-44228', 'attack.t1110', 'attack.t1110', 'detection.threat-hunting']);
    assert.deepEqual(view, { techniques: [{ id: 'T1110', url: 'https://attack.mitre.org/techniques/T1110/' }], tactics: [] });
  });
});
