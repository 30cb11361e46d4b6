/**
 * The fast path (streaming scanner, lazy fields, candidate index, loaded matchers) against the plain reference
 * evaluator, on every rule of the shared Sigma corpus × every record of the shared CloudTrail corpus.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { compileRuleFolders, RuleEngine } from '../../lambda/sigma/index.ts';
import { detectInSource } from '../../lambda/pipeline.ts';
import { CLOUDTRAIL_CORPUS, SIGMA_CORPUS, skipUnlessCorpus } from '../helpers/corpus.ts';
import { corpusFiles, readCorpusFile } from '../helpers/corpusRecords.ts';
import { referenceEvaluate } from '../helpers/referenceEvaluator.ts';

describe('Differential: engine fast path vs reference evaluator on the shared corpus', { skip: skipUnlessCorpus() }, () => {
  it('agrees on every rule × record', async () => {
    const { rules } = compileRuleFolders([SIGMA_CORPUS]);
    assert.ok(rules.length > 800, `expected the whole corpus pack, got ${rules.length} rules`);
    const engine = new RuleEngine(rules);
    let records = 0;
    let matches = 0;
    const disagreements: string[] = [];
    for (const path of corpusFiles(CLOUDTRAIL_CORPUS)) {
      const reference = readCorpusFile(path);
      const fast = new Set<string>();
      const outcome = await detectInSource(path, createReadStream(path), engine, (m) => fast.add(`${m.recordIndex}\u0000${m.rule.rule.ruleFile}`));
      if (!reference.records) {
        assert.equal(outcome.status, 'failed', `${path} is not JSON but the scanner accepted it`);
        continue;
      }
      assert.equal(outcome.records, reference.records.length, `${path}: record count`);
      reference.records.forEach((record, i) => {
        records++;
        for (const rule of rules) {
          const expected = referenceEvaluate(rule, record);
          if (expected) matches++;
          if (expected !== fast.has(`${i}\u0000${rule.ruleFile}`)) disagreements.push(`${path}#${i} ${rule.ruleFile}: reference ${expected}`);
        }
      });
    }
    assert.ok(records > 30_000, `expected the whole corpus, read ${records} records`);
    assert.ok(matches > 1000, 'the corpus rules match a good number of corpus records');
    assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
  });
});
