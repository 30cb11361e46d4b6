/**
 * What the on-call engineer does next, as channel-neutral parts: our own words, record values (escaped by each
 * channel as untrusted) and links we built. Keeping values apart from words makes escaping impossible to forget.
 */
import type { AlertFacts } from './facts.ts';
import type { StormSummary } from './storm.ts';

export type Part = string | { readonly value: string } | { readonly link: string; readonly label: string };
export type Step = readonly Part[];

const v = (value: string) => ({ value });

function identityStep(f: AlertFacts): Step {
  const actor = f.doc.actor || 'the caller';
  switch (f.identityType) {
    case 'Root':
      return ['Confirm that someone in your team used the root user; if not, reset its password, check its MFA device and delete any root access keys.'];
    case 'IAMUser':
      return f.accessKeyId.startsWith('AKIA')
        ? ['Ask the owner of ', v(f.userName || actor), ' whether they made this call; if not, deactivate access key ', v(f.accessKeyId), ' and review what else it did.']
        : ['Ask the owner of ', v(f.userName || actor), ' whether they made this call; if not, reset their password and sign out their sessions.'];
    case 'AssumedRole':
      return ['Find who assumed role ', v(f.roleArn || actor), ' (session ', v(actor), '); if unexpected, revoke the role\'s active sessions.'];
    default:
      return ['Confirm with the owner of ', v(actor), ' that this call was expected.'];
  }
}

export function matchNextSteps(f: AlertFacts): Step[] {
  const steps: Step[] = [];
  if (f.consoleUrl) steps.push(['Open the event in the CloudTrail console: ', { link: f.consoleUrl, label: 'CloudTrail event' }]);
  steps.push(identityStep(f));
  steps.push(['Look for other activity from ', v(f.doc.sourceIPAddress || 'the same address'), ' and by the same principal around ', v(f.doc.eventTime), '.']);
  if (f.falsepositives.length > 0) steps.push(['Rule out the known false positives (above) before escalating.']);
  return steps;
}

export function stormNextSteps(s: StormSummary): Step[] {
  const steps: Step[] = [];
  const url = s.samples[0]?.url;
  if (url) steps.push(['Open a sample event in the CloudTrail console: ', { link: url, label: 'CloudTrail event' }]);
  steps.push(['Check whether the top actors and source addresses (above) are expected to make these calls at this volume.']);
  steps.push(['Query the log file or CloudTrail Lake for every event of this rule in the time range; only a sample is listed here.']);
  steps.push(['If this volume is normal for the account, tune the rule or raise STORM_THRESHOLD.']);
  return steps;
}
