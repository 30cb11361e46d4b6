/**
 * Matches of one source → SNS alerts. The one place the Lambda and `replay --publish` hand matches to:
 *   1. in-process de-duplication: one alert per (rule id, eventID) within the call;
 *   2. storms: more than `stormThreshold` matches of one rule in one object → one aggregated alert;
 *   3. claims (optional, DynamoDB): keys alerted by an earlier invocation are dropped as duplicates; an alert with
 *      a key another attempt claimed but has not confirmed sending is failed for a retry, never dropped;
 *   4. formatting and publishing; the claims of published alerts are confirmed, those of alerts that could not be
 *      published are released, so a retry alerts.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Match } from '../pipeline.ts';
import { matchDocument } from './matchDocument.ts';
import type { MatchDocument } from './matchDocument.ts';
import type { RuleNotes } from './facts.ts';
import { matchAlert, stormAlert } from './format.ts';
import { publishAlerts } from './publisher.ts';
import type { OutgoingAlert, PublishAlertsOptions, PublishFailure } from './publisher.ts';
import { DEFAULT_STORM_THRESHOLD, splitStorms, summarizeStorm } from './storm.ts';
// Type-only: the DynamoDB module is loaded by whoever builds the claims, never by the plain path.
import type { AlertClaims } from './dedup.ts';
import { claimKey } from './claimKey.ts';

export interface DispatchContext {
  readonly sns: SNSClient;
  readonly topicArn: string;
  /** @default undefined - no de-duplication across invocations (only within this call) */
  readonly claims?: AlertClaims;
  /**
   * Epoch ms by which this attempt has ended for sure (the Lambda's deadline). Claims left pending by an attempt
   * that died lapse then (the Lambda's retry of a timed-out invocation alerts them; after an earlier crash the
   * object may reach the failure queue first, and `redrive` alerts them). @default undefined - the claims' pending
   * time
   */
  readonly deadline?: number;
  /** @default 20 - more matches than this of one rule in one object are sent as one aggregated alert */
  readonly stormThreshold?: number;
  /** @default publishAlerts' defaults - retry and backoff settings (tests pass a no-wait sleep) */
  readonly publish?: PublishAlertsOptions;
}

export interface DispatchResult {
  /** SNS messages published: single alerts and aggregated alerts. */
  readonly published: number;
  /** Matches not alerted because their (rule id, eventID) was already alerted, in this call or an earlier one. */
  readonly deduplicated: number;
  /** Matches covered by the aggregated alerts that were published. */
  readonly aggregated: number;
  /**
   * Alerts not published: SNS refused them, or another attempt holds an unconfirmed claim on them (code
   * `ClaimPending`). Their claims are released, so a retry alerts them.
   */
  readonly failed: PublishFailure[];
  /**
   * Claims the table could not check or confirm: those alerts were sent anyway, and a later attempt may repeat
   * them. The first few messages.
   */
  readonly claimErrors: string[];
}

interface Item {
  readonly doc: MatchDocument;
  readonly notes: RuleNotes;
  readonly key: string;
}

/** One alert to send and the claim keys it covers. */
interface Unit {
  readonly items: Item[];
  readonly storm: boolean;
}

const MAX_REPORTED_ERRORS = 5;

function uniqueItems(matches: readonly Match[]): { items: Item[]; repeats: number } {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const m of matches) {
    const doc = matchDocument(m);
    const key = claimKey(doc.ruleId || doc.ruleFile, doc.eventID, doc.source, doc.recordIndex);
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ doc, notes: m.rule.meta, key });
  }
  return { items, repeats: matches.length - items.length };
}

/** A unit with keys another attempt claimed and has not confirmed: not sent now, not dropped. */
interface InDoubt {
  readonly unit: Unit;
  /** When the first such claim lapses. */
  readonly until: string;
  readonly pending: number;
}

const keysOf = (units: readonly Unit[]) => units.flatMap((u) => u.items.map((i) => i.key));

/**
 * Drops the items whose key is taken; keeps those claimed, and those the table could not check. A unit with a key
 * pending elsewhere is in doubt as a whole (an aggregate is sent complete or not at all).
 */
async function claimUnits(units: Unit[], claims: AlertClaims, deadline?: number): Promise<{ units: Unit[]; inDoubt: InDoubt[]; claimed: Set<string>; taken: number; errors: string[] }> {
  const keys = keysOf(units);
  const outcomes = await claims.claim(keys, deadline);
  const claimed = new Set(keys.filter((_, i) => outcomes[i]!.status === 'claimed'));
  let n = 0;
  let taken = 0;
  const errors: string[] = [];
  const kept: Unit[] = [];
  const inDoubt: InDoubt[] = [];
  for (const unit of units) {
    const mine = unit.items.map(() => outcomes[n++]!);
    for (const o of mine) if (o.status === 'error' && errors.length < MAX_REPORTED_ERRORS) errors.push(`${o.code}: ${o.message}`);
    const pending = mine.flatMap((o) => (o.status === 'pending' ? [o.until] : []));
    if (pending.length > 0) {
      inDoubt.push({ unit, until: pending.sort()[0]!, pending: pending.length });
      continue;
    }
    const items = unit.items.filter((_, i) => mine[i]!.status !== 'taken');
    taken += unit.items.length - items.length;
    if (items.length > 0) kept.push({ ...unit, items });
  }
  return { units: kept, inDoubt, claimed, taken, errors };
}

function pendingFailure(d: InDoubt, id: string): PublishFailure {
  return {
    alert: toAlert(d.unit, id),
    code: 'ClaimPending',
    message: `another object or attempt claimed ${d.pending} of its event(s) and has not confirmed alerting them (its claim lapses at ${d.until}): a retry alerts them unless that one did`,
  };
}

function toAlert(unit: Unit, id: string): OutgoingAlert {
  const first = unit.items[0]!;
  return unit.storm ? stormAlert(summarizeStorm(unit.items.map((i) => i.doc)), first.notes, id) : matchAlert(first.doc, first.notes, id);
}

/**
 * Publishes the alerts for the matches of one object; every match ends up alerted (alone or in an aggregate),
 * deduplicated, or in an alert listed in `failed`. Never throws for SNS or DynamoDB errors.
 *
 * @example
 * const { readable } = readableMatches(matches);
 * const result = await publishMatches(readable, { sns, topicArn, claims, stormThreshold: 20 });
 */
export async function publishMatches(matches: readonly Match[], ctx: DispatchContext): Promise<DispatchResult> {
  const { items, repeats } = uniqueItems(matches);
  const threshold = ctx.stormThreshold ?? DEFAULT_STORM_THRESHOLD;
  const { singles, storms } = splitStorms(items, (i) => `${i.doc.ruleId}\u0000${i.doc.ruleFile}\u0000${i.doc.source}`, threshold);
  let units: Unit[] = [...singles.map((i) => ({ items: [i], storm: false })), ...storms.map((s) => ({ items: s, storm: true }))];

  let taken = 0;
  let claimErrors: string[] = [];
  let inDoubt: InDoubt[] = [];
  let claimed = new Set<string>();
  if (ctx.claims && units.length > 0) {
    ({ units, inDoubt, claimed, taken, errors: claimErrors } = await claimUnits(units, ctx.claims, ctx.deadline));
  }
  const alerts = units.map((u, i) => toAlert(u, `${u.storm ? 'a' : 'm'}${i}`));
  const outcome = await publishAlerts(ctx.sns, ctx.topicArn, alerts, ctx.publish);

  const failedIds = new Set(outcome.failed.map((f) => f.alert.id));
  const sentUnits = units.filter((_, i) => !failedIds.has(alerts[i]!.id));
  const failedUnits = units.filter((_, i) => failedIds.has(alerts[i]!.id));
  let failed = [...outcome.failed, ...inDoubt.map((d, i) => pendingFailure(d, `p${i}`))];
  if (ctx.claims) {
    const unconfirmed = sentUnits.length > 0 ? await ctx.claims.confirm(keysOf(sentUnits)) : [];
    if (unconfirmed.length > 0 && claimErrors.length < MAX_REPORTED_ERRORS) {
      claimErrors = [...claimErrors, `${unconfirmed[0]!.code}: ${unconfirmed[0]!.message} (${unconfirmed.length} claim(s) of sent alerts left pending: once they lapse, a later attempt may alert again)`];
    }
    // Only the claims this call made: another object of the invocation may hold the others, under the same token.
    const ours = [...keysOf(failedUnits), ...keysOf(inDoubt.map((d) => d.unit))].filter((k) => claimed.has(k));
    const stuck = ours.length > 0 ? await ctx.claims.release(ours) : [];
    if (stuck.length > 0) {
      const note = ` (and ${stuck.length} claim(s) could not be released, ${stuck[0]!.code}: a retry will skip them until they expire)`;
      failed = failed.map((f) => ({ ...f, message: f.message + note }));
    }
  }
  const aggregated = sentUnits.reduce((n, u) => n + (u.storm ? u.items.length : 0), 0);
  return { published: outcome.published, deduplicated: repeats + taken, aggregated, failed, claimErrors };
}
