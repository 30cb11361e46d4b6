/**
 * Turns a catalog entry, a caller and a moment into one CloudTrail record: the envelope fields in CloudTrail's own
 * key order, the error fields when the call fails, and the optional blocks (tlsDetails, vpcEndpointId…) at the
 * rates they appear in real trails.
 */
import { trickyUserAgent } from './adversarial.ts';
import type { Actor, CallContext } from './identities.ts';
import type { Rng } from './prng.ts';
import { TLS_CHOICES, isoSeconds } from './values.ts';
import type { World } from './world.ts';
import type { BuildContext, ErrorSpec, EventBody, EventTemplate, Json } from './catalog/types.ts';

const EVENT_VERSIONS = ['1.08', '1.09', '1.09', '1.10', '1.11'];
/** Services whose denials CloudTrail records as a message in responseElements, with no errorMessage. */
const MESSAGE_IN_RESPONSE = new Set(['appsync.amazonaws.com', 'guardduty.amazonaws.com']);
const ACTION_PREFIX: Record<string, string> = { monitoring: 'cloudwatch', signin: 'signin' };

function serviceOf(source: string): string {
  const label = source.slice(0, source.indexOf('.'));
  return ACTION_PREFIX[label] ?? label;
}

/** `ListFunctions20150331` → `ListFunctions`: the IAM action behind a versioned Lambda event name. */
function actionOf(eventName: string): string {
  return eventName.replace(/\d{8}(v\d+)?$/, '');
}

function denialMessage(source: string, eventName: string, principalArn: string, resource: string, rng: Rng): string {
  const action = `${serviceOf(source)}:${actionOf(eventName)}`;
  if (source === 's3.amazonaws.com') return 'Access Denied';
  const base = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
  if (source === 'ec2.amazonaws.com') {
    return `You are not authorized to perform this operation. ${base}. Encoded authorization failure message: ${rng.base64(rng.range(300, 500)).replaceAll('+', '-').replaceAll('/', '_')}`;
  }
  return base;
}

type CallerKind = 'human' | 'automation' | 'service';

function callerKind(actor: Actor, call: CallContext): CallerKind {
  if (actor.type === 'AWSService' || call.sourceIPAddress.endsWith('.amazonaws.com')) return 'service';
  return actor.type === 'Root' || call.console || call.userAgent.startsWith('aws-cli') ? 'human' : 'automation';
}

/** The error this call ends with, if any: the entry's own errors first, else the usual denial and throttling rates. */
function pickError(rng: Rng, tpl: EventTemplate, kind: CallerKind): ErrorSpec | undefined {
  if (tpl.errors) return tpl.errors.find((e) => rng.chance(e.p));
  if (kind === 'service') return undefined;
  const deniedRate = kind === 'human' ? 0.06 : 0.01;
  if (rng.chance(deniedRate)) {
    return tpl.source === 'ec2.amazonaws.com'
      ? { code: 'Client.UnauthorizedOperation', message: '', p: 1 }
      : { code: 'AccessDenied', message: '', p: 1 };
  }
  if (tpl.readOnly && kind === 'automation' && rng.chance(0.004)) {
    return tpl.source === 'ec2.amazonaws.com'
      ? { code: 'Client.RequestLimitExceeded', message: 'Request limit exceeded.', p: 1 }
      : { code: 'ThrottlingException', message: 'Rate exceeded', p: 1 };
  }
  return undefined;
}

function hostHeader(tpl: EventTemplate, world: World, body: EventBody): string {
  const host = body.requestParameters?.['Host'];
  if (typeof host === 'string') return host;
  if (tpl.global) return tpl.source === 'signin.amazonaws.com' ? 'signin.aws.amazon.com' : tpl.source;
  return tpl.source.replace('.amazonaws.com', `.${world.region}.amazonaws.com`);
}

export interface RecordParts {
  readonly rng: Rng;
  readonly tpl: EventTemplate;
  readonly actor: Actor;
  readonly world: World;
  readonly timeMs: number;
  /** The caller's address and agent; drawn from the actor when absent. */
  readonly call?: CallContext;
}

export function buildRecord(parts: RecordParts): Json {
  const { rng, tpl, actor, world, timeMs } = parts;
  let call = parts.call ?? actor.call(rng);
  // A few callers send odd user agents; the text is theirs to choose, quotes and braces included.
  if (!parts.call && actor.type !== 'AWSService' && rng.chance(0.003)) call = { ...call, userAgent: trickyUserAgent(rng) };
  const requestId = tpl.source === 's3.amazonaws.com' ? rng.upperAlnum(16) : rng.uuid();
  const ctx: BuildContext = { rng, world, actor, call, timeMs, requestId };
  const body = tpl.build(ctx);
  const userIdentity = body.userIdentity ?? actor.userIdentity(timeMs, call);
  const eventType = tpl.eventType ?? 'AwsApiCall';
  const error = pickError(rng, tpl, callerKind(actor, call));

  const record: Json = {
    eventVersion: rng.pick(EVENT_VERSIONS),
    userIdentity,
    eventTime: isoSeconds(timeMs),
    eventSource: tpl.source,
    eventName: tpl.name,
    awsRegion: world.region,
    sourceIPAddress: call.sourceIPAddress,
    userAgent: body.userAgent ?? call.userAgent,
  };
  let responseElements = body.responseElements;
  if (error) {
    const resource = (body.resources?.[0]?.['ARN'] as string | undefined) ?? `arn:aws:${serviceOf(tpl.source)}:${world.region}:${world.account}:*`;
    const principal = typeof userIdentity['arn'] === 'string' ? userIdentity['arn'] : actor.arn;
    const given = typeof error.message === 'function' ? error.message(ctx) : error.message;
    const message = given || denialMessage(tpl.source, tpl.name, principal, resource, rng);
    if (error.code) record['errorCode'] = error.code;
    if (MESSAGE_IN_RESPONSE.has(tpl.source)) responseElements = { message };
    else {
      record['errorMessage'] = message;
      if (eventType !== 'AwsConsoleSignIn') responseElements = null;
    }
  }
  record['requestParameters'] = body.requestParameters;
  record['responseElements'] = responseElements;
  if (body.additionalEventData) record['additionalEventData'] = body.additionalEventData;
  if (body.serviceEventDetails) record['serviceEventDetails'] = body.serviceEventDetails;
  if (eventType === 'AwsApiCall') record['requestID'] = requestId;
  record['eventID'] = rng.uuid();
  record['readOnly'] = tpl.readOnly;
  if (body.resources) record['resources'] = body.resources;
  record['eventType'] = eventType;
  record['managementEvent'] = !tpl.data;
  record['recipientAccountId'] = world.account;
  if (actor.type === 'AWSService' && body.resources && rng.chance(0.7)) record['sharedEventID'] = rng.uuid();
  if (call.vpcEndpointId) {
    record['vpcEndpointId'] = call.vpcEndpointId;
    record['vpcEndpointAccountId'] = world.account;
  }
  record['eventCategory'] = tpl.data ? 'Data' : 'Management';
  if (actor.type !== 'AWSService' && eventType === 'AwsApiCall' && rng.chance(0.85)) {
    const [tlsVersion, cipherSuite] = rng.pick(TLS_CHOICES);
    record['tlsDetails'] = { tlsVersion, cipherSuite, clientProvidedHostHeader: hostHeader(tpl, world, body) };
  }
  if (call.console && eventType === 'AwsApiCall') record['sessionCredentialFromConsole'] = 'true';
  return record;
}
