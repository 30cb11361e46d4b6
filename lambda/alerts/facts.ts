/**
 * What a person needs to act on one match, taken from the record once and shared by the email and Chat formats.
 * Values are raw (not escaped): each channel escapes them its own way.
 */
import type { MatchDocument } from './matchDocument.ts';
import { attackView } from './attack.ts';
import type { AttackView } from './attack.ts';
import { cloudTrailEventUrl } from './consoleLink.ts';

/** The rule's own words for people: why a match matters and when it is harmless. */
export interface RuleNotes {
  readonly description: string;
  readonly falsepositives: readonly string[];
}

export interface AlertFacts extends RuleNotes {
  readonly doc: MatchDocument;
  readonly attack: AttackView;
  /** userIdentity.type, e.g. IAMUser, AssumedRole, Root. */
  readonly identityType: string;
  readonly userName: string;
  readonly accessKeyId: string;
  /** For assumed roles: the role's ARN (the session issuer). */
  readonly roleArn: string;
  readonly userAgent: string;
  readonly errorCode: string;
  /** errorMessage, else the message some services put in responseElements of a failed call. */
  readonly errorMessage: string;
  /** requestParameters as compact JSON, '' when absent or null. */
  readonly requestParameters: string;
  /** The object an S3 call acted on, as `bucket/key` (or the bucket alone), '' when not an S3 call. */
  readonly s3Object: string;
  readonly consoleUrl: string | undefined;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

function errorMessageOf(record: Obj): string {
  const direct = str(record.errorMessage);
  if (direct || !str(record.errorCode)) return direct;
  return str(obj(record.responseElements).message);
}

function s3ObjectOf(record: Obj): string {
  if (str(record.eventSource) !== 's3.amazonaws.com') return '';
  const params = obj(record.requestParameters);
  const bucket = str(params.bucketName);
  const key = str(params.key);
  return bucket && key ? `${bucket}/${key}` : bucket;
}

export function alertFacts(doc: MatchDocument, notes: RuleNotes): AlertFacts {
  const r = doc.record;
  const identity = obj(r.userIdentity);
  const params = r.requestParameters;
  return {
    doc,
    description: notes.description,
    falsepositives: notes.falsepositives,
    attack: attackView(doc.tags),
    identityType: str(identity.type),
    userName: str(identity.userName) || str(obj(obj(identity.sessionContext).sessionIssuer).userName),
    accessKeyId: str(identity.accessKeyId),
    roleArn: str(identity.type) === 'AssumedRole' ? str(obj(obj(identity.sessionContext).sessionIssuer).arn) : '',
    userAgent: str(r.userAgent),
    errorCode: str(r.errorCode),
    errorMessage: errorMessageOf(r),
    requestParameters: params === null || params === undefined ? '' : JSON.stringify(params),
    s3Object: s3ObjectOf(r),
    consoleUrl: cloudTrailEventUrl(doc.awsRegion, doc.eventID),
  };
}
