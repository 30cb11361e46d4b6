/** Builds the CDK app from its context with cdk-nag's AwsSolutions checks on; shared by `cdk/app.ts` and the tests. */
import { App, CfnOutput, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppConfig, type ContextKey } from './appConfig.ts';
import { CloudTrailSigmaStack } from './stack.ts';

/**
 * The stack is environment-agnostic (no account or region lookups), so `cdk synth` needs no credentials;
 * `cdk deploy` takes them from the usual AWS configuration.
 */
export function buildApp(props: AppProps = {}): { app: App; stack: CloudTrailSigmaStack } {
  const app = new App(props);
  // Any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const config = readAppConfig((key: ContextKey) => app.node.tryGetContext(key));
  const stack = new CloudTrailSigmaStack(app, config.stackName, { config });
  // `-c backfill=true` adds the Step Functions backfill that `cloudtrail-sigma replay --remote` starts.
  const backfill = app.node.tryGetContext('backfill');
  if (backfill === true || backfill === 'true') {
    const { stateMachine } = stack.detector.addBackfill();
    new CfnOutput(stack, 'BackfillStateMachineArn', { value: stateMachine.stateMachineArn, description: 'cloudtrail-sigma replay --remote --state-machine ARN' });
  }
  return { app, stack };
}
