/**
 * The JSON that machine subscribers (SQS, Lambda, Firehose, email-json) receive. `alertType` tells the two kinds
 * apart: `match` is the contract's match document, record included; `aggregate` summarises a storm.
 */
import type { MatchDocument } from './matchDocument.ts';
import type { Counted, StormSummary } from './storm.ts';

export type MachineMatch = { alertType: 'match' } & MatchDocument & {
  /** Present (true) only when the record was cut to fit SNS's size limit; the record then holds markers. */
  recordTruncated?: true;
  /** The size in bytes of the record's JSON before it was cut. */
  recordBytes?: number;
};

/** The rule and source fields an aggregate shares with a match document. */
type RuleAndSource = Pick<MatchDocument, 'ruleId' | 'ruleFile' | 'title' | 'level' | 'status' | 'tags' | 'source'>;

export interface MachineAggregate extends RuleAndSource {
  alertType: 'aggregate';
  count: number;
  firstEventTime: string;
  lastEventTime: string;
  eventNames: Counted[];
  recipientAccountIds: Counted[];
  awsRegions: Counted[];
  topActors: Counted[];
  topSourceIPs: Counted[];
  sampleEventIDs: string[];
}

/** The match document with `record` (the whole record, or its fitted copy when `truncated`). */
export function machineMatch(doc: MatchDocument, record: Record<string, unknown>, truncated: boolean): MachineMatch {
  const base: MachineMatch = { alertType: 'match', ...doc, record };
  return truncated ? { ...base, recordTruncated: true, recordBytes: Buffer.byteLength(JSON.stringify(doc.record)) } : base;
}

export function machineAggregate(s: StormSummary): MachineAggregate {
  return {
    alertType: 'aggregate',
    ruleId: s.ruleId,
    ruleFile: s.ruleFile,
    title: s.title,
    level: s.level,
    status: s.status,
    tags: s.tags,
    source: s.source,
    count: s.count,
    firstEventTime: s.firstEventTime,
    lastEventTime: s.lastEventTime,
    eventNames: s.eventNames,
    recipientAccountIds: s.accounts,
    awsRegions: s.regions,
    topActors: s.topActors,
    topSourceIPs: s.topSourceIPs,
    sampleEventIDs: s.samples.map((x) => x.eventID),
  };
}
