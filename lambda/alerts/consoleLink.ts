/**
 * The event's page in the CloudTrail console. Event history is regional, so the link names the event's own region,
 * in the console domain of its partition (China and GovCloud regions have their own).
 */

const REGION = /^(?:[a-z]{2}|us-gov|us-iso[a-z]?|eu-isoe)-[a-z]+-\d{1,2}$/;

function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return `${region}.console.aws.amazon.com`;
}

/**
 * `https://<region>.console.aws.amazon.com/cloudtrail/home?region=<region>#/events/<eventID>`, or undefined when
 * the record's region or event id cannot make a working link (anonymised or forged data).
 */
export function cloudTrailEventUrl(region: string, eventID: string): string | undefined {
  if (!REGION.test(region) || eventID === '') return undefined;
  return `https://${consoleHost(region)}/cloudtrail/home?region=${region}#/events/${encodeURIComponent(eventID)}`;
}
