/** cdk-nag AwsSolutions runs in the app: a finding fails synth, and each accepted one is acknowledged with a reason. */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../../cdk/buildApp.ts';
import { CDK_JSON_CONTEXT, TEST_RULES } from './helpers.ts';

interface Finding {
  readonly ruleName: string;
  readonly reason?: string;
  readonly violatingConstructs: { constructPath: string }[];
}
interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: Finding[];
  readonly suppressedViolations?: Finding[];
}

const outdirs: string[] = [];
after(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Builds the app and synthesises it, returning cdk-nag's part of the validation report CDK writes. */
function nagReport(context: Record<string, unknown>, change?: (stack: ReturnType<typeof buildApp>['stack']) => void): { report: PluginReport; error?: Error } {
  const outdir = mkdtempSync(join(tmpdir(), 'cloudtrail-sigma-nag-test-'));
  outdirs.push(outdir);
  const { stack } = buildApp({ outdir, context: { ...CDK_JSON_CONTEXT, ruleFolders: TEST_RULES, ...context } });
  change?.(stack);
  let error: Error | undefined;
  try {
    Template.fromStack(stack);
  } catch (err) {
    error = err as Error;
  }
  const reports = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports as PluginReport[];
  return { report: reports.find((r) => r.pluginName === 'AwsSolutions')!, error };
}

const where = (f: Finding) => `${f.ruleName} at ${f.violatingConstructs.map((c) => c.constructPath).join(', ')}`;

describe('cdk-nag AwsSolutions checks', () => {
  it('fail synth on an unacknowledged finding, naming it', () => {
    const { report, error } = nagReport({ deduplication: 'false' }, (stack) =>
      stack.detector.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] })),
    );
    assert.match(String(error?.message), /Validation failed/);
    assert.equal(report.conclusion, 'failure');
    assert.deepEqual(report.violations.map(where), ['AwsSolutions-IAM5[Resource::*] at CloudTrailSigma/Detector/HandlerRole/DefaultPolicy/Resource']);
  });

  it('pass with exactly these acknowledged findings, each with a specific reason', () => {
    const { report, error } = nagReport({ alertEmail: 'a@example.com', slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCDE' });
    assert.equal(error, undefined);
    assert.equal(report.conclusion, 'success');
    const acknowledged = report.suppressedViolations ?? [];
    assert.deepEqual(acknowledged.map(where).sort(), [
      'AwsSolutions-DDB3 at CloudTrailSigma/Detector/DedupTable/Resource',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] at CloudTrailSigma/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource',
      'AwsSolutions-IAM5[Resource::<DetectorTrailBucketE4916E99.Arn>/AWSLogs/*] at CloudTrailSigma/Detector/HandlerRole/DefaultPolicy/Resource',
      'AwsSolutions-S1 at CloudTrailSigma/Detector/TrailBucket/Resource',
      'AwsSolutions-SQS3 at CloudTrailSigma/Detector/FailureQueue/Resource',
    ]);
    for (const f of acknowledged) assert.ok((f.reason ?? '').length > 60, `${f.ruleName} has a specific reason: ${f.reason}`);
  });
});
