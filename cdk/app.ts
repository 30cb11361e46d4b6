/** The CDK app (`npx cdk synth|deploy -c bucketName=… -c alertEmail=…`); see CONTEXT_KEYS for every option. */
import { buildApp } from './buildApp.ts';
import { AppConfigError } from './appConfig.ts';
import { CloudTrailSigmaPropsError } from './validateProps.ts';

try {
  buildApp().app.synth();
} catch (err) {
  // Configuration mistakes are the user's to fix: say what is wrong, without a stack trace.
  if (!(err instanceof AppConfigError || err instanceof CloudTrailSigmaPropsError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
