/**
 * A match as a flat document: the fields contracts.md promises for `scan --format jsonl` and that machine
 * subscribers of the SNS topic receive.
 */
import type { Match } from '../pipeline.ts';

export interface MatchDocument {
  ruleId: string;
  ruleFile: string;
  title: string;
  level: string;
  status: string;
  tags: string[];
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  recipientAccountId: string;
  sourceIPAddress: string;
  actor: string;
  source: string;
  recordIndex: number;
  record: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Who did it: userIdentity.arn, else principalId, else type (contracts.md). */
export function actorOf(record: Record<string, unknown>): string {
  const id = record.userIdentity;
  if (!id || typeof id !== 'object') return '';
  const u = id as Record<string, unknown>;
  return str(u.arn) || str(u.principalId) || str(u.type);
}

export function matchDocument(m: Match): MatchDocument {
  const r = m.record;
  const meta = m.rule.meta;
  return {
    ruleId: meta.id,
    ruleFile: m.rule.rule.ruleFile,
    title: meta.title,
    level: meta.level,
    status: meta.status,
    tags: meta.tags,
    eventID: str(r.eventID),
    eventTime: str(r.eventTime),
    eventName: str(r.eventName),
    eventSource: str(r.eventSource),
    awsRegion: str(r.awsRegion),
    recipientAccountId: str(r.recipientAccountId) || str((r.userIdentity as Record<string, unknown> | undefined)?.accountId),
    sourceIPAddress: str(r.sourceIPAddress),
    actor: actorOf(r),
    source: m.source,
    recordIndex: m.recordIndex,
    record: r,
  };
}
