/** Checks CloudTrailSigmaProps before anything is built, so every problem is reported at once. */
import { Token, type Duration } from 'aws-cdk-lib';
import { existsSync, statSync } from 'node:fs';
import { LEVELS } from '../lambda/sigma/index.ts';
import { TRIGGER_MODES, type CloudTrailSigmaProps } from './props.ts';

/** Thrown by the construct with every problem validateProps found. */
export class CloudTrailSigmaPropsError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid CloudTrailSigma props:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'CloudTrailSigmaPropsError';
    this.problems = problems;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// The patterns AWS::Chatbot::SlackChannelConfiguration accepts.
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,256}$/;

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const known = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);

function checkInteger(problems: string[], name: string, value: number | undefined, min: number, max: number, fix = '') {
  if (!known(value)) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    problems.push(`${name} must be an integer ${range}; got ${show(value)}.${fix}`);
  }
}

function checkDuration(problems: string[], name: string, value: Duration | undefined, minSeconds: number, maxSeconds: number) {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < minSeconds || seconds > maxSeconds) {
    problems.push(`${name} must be from ${minSeconds} to ${maxSeconds} seconds; got ${seconds} seconds.`);
  }
}

function checkKeyPrefix(problems: string[], prefix: string | undefined) {
  if (!known(prefix)) return;
  const p = prefix as string;
  if (p === '') problems.push(`keyPrefix must not be empty: reads are scoped to the trail's folder, e.g. 'AWSLogs/'.`);
  if (p.startsWith('/')) problems.push(`keyPrefix must not start with '/' (S3 keys have no leading slash); got ${show(p)}.`);
  if (/[*?]/.test(p)) problems.push(`keyPrefix must not contain '*' or '?' (they would widen the IAM grant); got ${show(p)}.`);
  if (p.length > 1024) problems.push(`keyPrefix must be at most 1024 characters; got ${p.length}.`);
}

function checkEmails(problems: string[], emails: CloudTrailSigmaProps['alertEmails']) {
  const seen = new Set<string>();
  for (const [i, email] of (emails ?? []).entries()) {
    if (!known(email.address)) continue;
    if (!EMAIL.test(email.address)) {
      problems.push(`alertEmails[${i}].address is not an email address; got ${show(email.address)}.`);
    }
    const key = email.address.toLowerCase();
    if (seen.has(key)) problems.push(`alertEmails[${i}].address ${show(email.address)} is listed twice: list each address once.`);
    seen.add(key);
    if (email.minLevel !== undefined && !(LEVELS as readonly string[]).includes(email.minLevel)) {
      problems.push(`alertEmails[${i}].minLevel must be one of ${LEVELS.join(', ')}; got ${show(email.minLevel)}.`);
    }
  }
}

function checkSlack(problems: string[], slack: CloudTrailSigmaProps['slackChannel']) {
  if (!slack) return;
  if (known(slack.workspaceId) && !SLACK_WORKSPACE_ID.test(slack.workspaceId)) {
    problems.push(`slackChannel.workspaceId must be upper-case letters and digits (the id the Chatbot console shows, e.g. T0123ABCD); got ${show(slack.workspaceId)}.`);
  }
  if (known(slack.channelId) && !SLACK_CHANNEL_ID.test(slack.channelId)) {
    problems.push(`slackChannel.channelId must be letters and digits (the end of the channel's link, e.g. C0123ABCDE); got ${show(slack.channelId)}.`);
  }
}

function checkRuleFolders(problems: string[], folders: string[] | undefined) {
  if (folders === undefined) return;
  if (folders.length === 0) problems.push('ruleFolders must name at least one folder; leave it out to use the bundled rules/.');
  for (const folder of folders) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) problems.push(`ruleFolders: ${show(folder)} is not a folder.`);
  }
}

function checkTopics(problems: string[], props: CloudTrailSigmaProps) {
  for (const name of ['existingAlertTopic', 'existingOpsTopic'] as const) {
    if (props[name]?.fifo) problems.push(`${name} is a FIFO topic; email and Chatbot need a standard topic.`);
  }
}

/** Every problem with the props, as messages naming the prop, the value received and the fix; empty when fine. */
export function validateProps(props: CloudTrailSigmaProps): string[] {
  const problems: string[] = [];
  checkKeyPrefix(problems, props.keyPrefix);
  if (props.trigger !== undefined && !(TRIGGER_MODES as readonly string[]).includes(props.trigger)) {
    problems.push(`trigger must be one of ${TRIGGER_MODES.join(', ')}; got ${show(props.trigger)}.`);
  }
  checkTopics(problems, props);
  checkEmails(problems, props.alertEmails);
  checkSlack(problems, props.slackChannel);
  checkRuleFolders(problems, props.ruleFolders);
  checkInteger(problems, 'memorySizeMB', props.memorySizeMB, 128, 10240);
  checkDuration(problems, 'timeout', props.timeout, 1, 900);
  checkInteger(problems, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, Infinity, ' Leave it out for no reservation (0 would stop the detector).');
  checkInteger(problems, 'retryAttempts', props.retryAttempts, 0, 2);
  checkDuration(problems, 'maxEventAge', props.maxEventAge, 60, 6 * 3600);
  return problems;
}
