/** Synthesises the app the way `cdk synth` does (cdk.json flags, context values, cdk-nag on) into a temporary cloud assembly. */
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../cdk/buildApp.ts';
import type { CloudTrailSigmaStack } from '../../cdk/stack.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** One valid rule: keeps bundling fast and independent of the project's rules/. */
export const TEST_RULES = join(FIXTURES, 'rules');

/** The feature flags of cdk.json, which the CLI passes to the app: tests synthesise what `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

export const KMS_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

export interface Synthesised {
  readonly template: Template;
  readonly stack: CloudTrailSigmaStack;
  /** The cloud assembly folder (assets live in `asset.<hash>/`). */
  readonly outdir: string;
  /** The template value of a token, e.g. `{ Ref: 'DetectorAlertTopic…' }`. */
  readonly resolve: (value: unknown) => unknown;
  readonly cleanup: () => void;
}

/**
 * Synthesises with the given context (`ruleFolders` defaults to the test rule). Template.fromStack runs the
 * validation plugins, so it throws on any unacknowledged cdk-nag finding: every synth here is also a nag check.
 */
export function synth(context: Record<string, unknown>): Synthesised {
  const outdir = mkdtempSync(join(tmpdir(), 'cloudtrail-sigma-cdk-test-'));
  const { stack } = buildApp({ outdir, context: { ...CDK_JSON_CONTEXT, ruleFolders: TEST_RULES, ...context } });
  const template = Template.fromStack(stack);
  return {
    template,
    stack,
    outdir,
    resolve: (value) => stack.resolve(value),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The statements of the detector role's policy. */
export function handlerStatements(s: Synthesised): unknown[] {
  const roleRef = s.resolve(s.stack.detector.handler.role!.roleName);
  const policies = Object.values(s.template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(roleRef)),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement as unknown[]);
}

/** The one resource of a type, asserting there is exactly one. */
export function onlyResource(template: Template, type: string): { logicalId: string; properties: Record<string, any> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0]!;
  return { logicalId, properties: resource.Properties };
}
