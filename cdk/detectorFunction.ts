/** The detector Lambda: bundled locally with esbuild, the compiled rules copied beside the handler. */
import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { ARCHITECTURE, ESBUILD_TARGET, ESM_REQUIRE_BANNER, HANDLER_ENTRY, LAMBDA_ALLOCATOR_ENV, METRICS_NAMESPACE, RULES_BUNDLE_FILE, RUNTIME, SERVICE_NAME, type ResolvedProps } from './defaults.ts';
import { compileRulesFile } from './rulesBundle.ts';

/** Shell command copying a file into the asset, for the shell the local bundler runs hooks in. */
function copyCommand(from: string, to: string): string {
  if (process.platform === 'win32') return `copy /Y "${from}" "${to}"`;
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return `cp ${quote(from)} ${quote(to)}`;
}

export interface DetectorFunctionOptions {
  readonly props: ResolvedProps;
  readonly environment: Record<string, string>;
  readonly failureQueue: sqs.IQueue;
}

/**
 * The function, its own role (no managed policy: it may write its own log group and nothing else until granted
 * more) and its log group. Rules are compiled here, so an invalid rule stops synth before anything is deployed.
 */
export function createDetectorFunction(scope: Construct, { props, environment, failureQueue }: DetectorFunctionOptions): NodejsFunction {
  const role = new iam.Role(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'cloudtrail-sigma detector: reads the trail objects and publishes alerts',
  });
  const logGroup = new logs.LogGroup(scope, 'HandlerLogs', {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  logGroup.grantWrite(role);

  const rules = compileRulesFile(props.ruleFolders);
  if (rules.unsupported.length > 0) {
    Annotations.of(scope).addWarningV2(
      'cloudtrail-sigma:unsupportedRules',
      `${rules.unsupported.length} rule(s) left out of the bundle, using features the engine does not run:\n` +
        rules.unsupported.map((r) => `- ${r.file}: ${r.reason}`).join('\n'),
    );
  }
  try {
    // Bundling runs inside this constructor, so the temporary rules file can go right after it.
    return new NodejsFunction(scope, 'Handler', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      runtime: RUNTIME,
      architecture: ARCHITECTURE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      memorySize: props.memorySizeMB,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      onFailure: new SqsDestination(failureQueue),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...LAMBDA_ALLOCATOR_ENV,
        ...environment,
      },
      description: `cloudtrail-sigma detector (${rules.ruleCount} rules)`,
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        // Function and class names survive minification, so stack traces in the logs stay readable without a source map.
        keepNames: true,
        sourceMap: false,
        // The tested SDK version ships in the bundle instead of whatever the runtime carries.
        bundleAwsSDK: true,
        banner: ESM_REQUIRE_BANNER,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [copyCommand(rules.path, join(outputDir, RULES_BUNDLE_FILE))],
        },
      },
    });
  } finally {
    rules.dispose();
  }
}
