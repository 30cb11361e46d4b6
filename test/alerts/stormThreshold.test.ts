import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, readConfig } from '../../lambda/config.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

describe('Function: readConfig() STORM_THRESHOLD', () => {
  it('defaults to 20', () => {
    assert.equal(readConfig({ ALERT_TOPIC_ARN: TOPIC }).stormThreshold, 20);
  });

  it('reads a positive integer', () => {
    assert.equal(readConfig({ ALERT_TOPIC_ARN: TOPIC, STORM_THRESHOLD: ' 50 ' }).stormThreshold, 50);
  });

  it('throws naming the variable for anything else', () => {
    for (const bad of ['0', '-3', '2.5', 'many']) {
      assert.throws(() => readConfig({ ALERT_TOPIC_ARN: TOPIC, STORM_THRESHOLD: bad }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, new RegExp(`^STORM_THRESHOLD must be a positive integer, got '${bad}'`));
        return true;
      });
    }
  });
});
