/** `npx cdk synth` through the CLI and cdk.json: offline, without AWS credentials, with the project's rules. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The environment minus every AWS setting, and the CLI's network features (version check, notices, telemetry) off. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(tmpdir(), 'cloudtrail-sigma-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'cloudtrail-sigma-no-aws-credentials'),
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

describe('npx cdk synth', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cloudtrail-sigma-cli-synth-'));
  after(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesises the nag-clean stack with no credentials and no network', () => {
    const result = spawnSync(
      'npx',
      ['cdk', 'synth', '--no-notices', '--quiet', '--output', outdir, '-c', 'alertEmail=soc@example.com:medium'],
      { cwd: ROOT, env: offlineEnv(), encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(result.status, 0, `cdk synth failed:\n${result.stderr}`);
    const template = JSON.parse(readFileSync(join(outdir, 'CloudTrailSigma.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x',
    );
    assert.equal(functions.length, 1);
    assert.match(String(functions[0]!.Properties.Description), /^cloudtrail-sigma detector \(\d+ rules\)$/);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    assert.deepEqual(
      report.pluginReports.map((r: { pluginName: string; conclusion: string }) => `${r.pluginName}: ${r.conclusion}`),
      ['AwsSolutions: success'],
    );
  });
});
