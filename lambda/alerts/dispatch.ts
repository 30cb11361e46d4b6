/**
 * Matches of one source → SNS alerts. The one place the Lambda and `replay --publish` hand matches to: formatting,
 * batching and publishing happen behind it.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Match } from '../pipeline.ts';
import { matchDocument } from './matchDocument.ts';
import { toOutgoingAlert } from './format.ts';
import { publishAlerts } from './publisher.ts';
import type { PublishFailure } from './publisher.ts';

export interface DispatchContext {
  readonly sns: SNSClient;
  readonly topicArn: string;
}

export interface DispatchResult {
  readonly published: number;
  readonly failed: PublishFailure[];
}

/** Publishes one alert per match; every alert ends up published or in `failed`. */
export async function publishMatches(matches: readonly Match[], ctx: DispatchContext): Promise<DispatchResult> {
  if (matches.length === 0) return { published: 0, failed: [] };
  const alerts = matches.map((m, i) => toOutgoingAlert(matchDocument(m), `m${i}`));
  return publishAlerts(ctx.sns, ctx.topicArn, alerts);
}
