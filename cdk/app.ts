/** The CDK app (`npx cdk synth|deploy -c bucketName=… -c alertEmail=…`); see CONTEXT_KEYS for every option. */
import { buildApp } from './buildApp.ts';

buildApp().app.synth();
