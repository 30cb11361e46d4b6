import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { alertExamples, readmeAlertExample, readmeBlock } from '../../scripts/readme-alert-examples.ts';

describe('docs/alert-examples.md', () => {
  it('is exactly what scripts/readme-alert-examples.ts makes from the samples now (regenerate it on purpose, never by hand)', async () => {
    const committed = readFileSync(new URL('../../docs/alert-examples.md', import.meta.url), 'utf8');
    assert.equal(committed, await alertExamples(), 'run: npx tsx scripts/readme-alert-examples.ts > docs/alert-examples.md');
  });

  it('has its CreateApiKey example in README.md exactly as the code makes it', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.equal(readmeBlock(readme), (await readmeAlertExample()).trim(), 'run: npx tsx scripts/readme-alert-examples.ts --readme');
  });
});
