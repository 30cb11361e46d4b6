/** The construct for use in your own CDK app. */
export { CloudTrailSigma } from './cloudTrailSigma.ts';
export type { CloudTrailSigmaProps, EmailAlertSubscription, SlackChannel, TriggerMode } from './props.ts';
export { TRIGGER_MODES } from './props.ts';
export { CloudTrailSigmaPropsError, validateProps } from './validateProps.ts';
export { InvalidRulesError } from './rulesBundle.ts';
