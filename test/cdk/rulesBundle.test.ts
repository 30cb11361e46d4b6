/** Rules are compiled at synth: invalid ones stop it, unsupported ones are left out with a warning. */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { CloudTrailSigma } from '../../cdk/cloudTrailSigma.ts';
import { InvalidRulesError, compileRulesFile } from '../../cdk/rulesBundle.ts';
import { parseBundle } from '../../lambda/sigma/index.ts';
import { FIXTURES, TEST_RULES } from './helpers.ts';

const INVALID = join(FIXTURES, 'rules-invalid');
const UNSUPPORTED = join(FIXTURES, 'rules-unsupported');

describe('Function: compileRulesFile()', () => {
  it('writes a versioned bundle of the valid rules to a temporary file, removed by dispose()', () => {
    const compiled = compileRulesFile([TEST_RULES]);
    try {
      assert.equal(compiled.ruleCount, 1);
      const bundle = parseBundle(readFileSync(compiled.path, 'utf8'));
      assert.equal(bundle.rules[0]!.meta.title, 'CloudTrail Logging Stopped (CDK test fixture)');
    } finally {
      compiled.dispose();
    }
    assert.equal(existsSync(compiled.path), false);
  });

  it('throws InvalidRulesError naming each invalid file, with its folder, and the reason', () => {
    assert.throws(
      () => compileRulesFile([TEST_RULES, INVALID]),
      (err: unknown) => {
        assert.ok(err instanceof InvalidRulesError);
        const file = join(relative(process.cwd(), INVALID), 'undefined-selection.yml');
        assert.deepEqual(err.invalid.map((r) => r.file), [file]);
        assert.match(err.message, new RegExp(`^1 invalid Sigma rule\\(s\\); fix or remove them:\\n- ${file.replace(/[.\\]/g, '\\$&')}: condition 'selection and not filter': 'filter' is not a search identifier`));
        return true;
      },
    );
  });

  it('refuses folders where no rule compiles: the detector would never alert', () => {
    assert.throws(() => compileRulesFile([UNSUPPORTED]), /no rule compiled: the detector would never alert/);
  });
});

describe('Class: CloudTrailSigma rule compilation', () => {
  it('fails synth on an invalid rule, before bundling anything', () => {
    const stack = new Stack(new App(), 'S');
    assert.throws(() => new CloudTrailSigma(stack, 'Detector', { ruleFolders: [INVALID] }), InvalidRulesError);
  });

  it('warns about unsupported rules and leaves them out of the bundle', () => {
    const stack = new Stack(new App(), 'S');
    const detector = new CloudTrailSigma(stack, 'Detector', { ruleFolders: [TEST_RULES, UNSUPPORTED] });
    Annotations.fromStack(stack).hasWarning(
      '/S/Detector',
      Match.stringLikeRegexp('1 rule\\(s\\) left out of the bundle.*\\n- .*windows-logsource.yml: logsource product: windows'),
    );
    assert.match(String(stack.resolve((detector.handler.node.defaultChild as { description?: string }).description)), /\(1 rules\)$/);
  });
});
