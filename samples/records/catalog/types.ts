/**
 * The shape of one catalog entry: an API call with its weight in the traffic mix, who tends to make it, and how its
 * parameters and response look.
 */
import type { Actor, CallContext, CallerClass } from '../identities.ts';
import type { Rng } from '../prng.ts';
import type { World } from '../world.ts';

export type Json = Record<string, unknown>;

export interface BuildContext {
  readonly rng: Rng;
  readonly world: World;
  readonly actor: Actor;
  readonly call: CallContext;
  readonly timeMs: number;
  /** The record's requestID, which some services repeat inside responseElements. */
  readonly requestId: string;
}

/** What a template contributes to a record; the envelope (ids, time, identity) is added by the record builder. */
export interface EventBody {
  readonly requestParameters: Json | null;
  readonly responseElements: Json | null;
  readonly resources?: readonly Json[];
  readonly additionalEventData?: Json;
  readonly serviceEventDetails?: Json;
  /** Overrides for calls whose envelope differs from the caller's usual one (console sign-in, service events). */
  readonly userIdentity?: Json;
  readonly userAgent?: string;
}

export interface ErrorSpec {
  /** Absent for failures CloudTrail reports by message only (a failed console sign-in). */
  readonly code?: string;
  readonly message: string | ((ctx: BuildContext) => string);
  readonly p: number;
}

export interface EventTemplate {
  readonly source: string;
  readonly name: string;
  /** Relative frequency in the mix. */
  readonly weight: number;
  readonly readOnly: boolean;
  readonly callers: Partial<Record<CallerClass, number>>;
  /** A data event (S3 object-level, Lambda Invoke…): eventCategory Data, managementEvent false. */
  readonly data?: boolean;
  /** A global-service event, recorded in us-east-1 only. */
  readonly global?: boolean;
  readonly eventType?: 'AwsApiCall' | 'AwsServiceEvent' | 'AwsConsoleSignIn';
  /** Only actors of these types make this call (e.g. IAM users for a console password sign-in). */
  readonly actorTypes?: readonly Actor['type'][];
  /** Errors specific to this call; when absent the record builder applies the generic AccessDenied/throttling rates. */
  readonly errors?: readonly ErrorSpec[];
  build(ctx: BuildContext): EventBody;
}

export function template(t: EventTemplate): EventTemplate {
  return t;
}
