/** Alarms on the detector's own EMF metrics: they watch the namespace and dimensions the handler emits with. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_METRICS_NAMESPACE, FUNCTION_DIMENSION } from '../../lambda/metricNames.ts';
import { DEFAULT_SERVICE_NAME } from '../../lambda/observability.ts';
import { synth, type Synthesised } from './helpers.ts';

describe('CloudTrailSigma: alarms on the detector metrics', () => {
  let s: Synthesised;
  before(() => {
    s = synth({});
  });
  after(() => s.cleanup());

  const alarm = (metricName: string) => {
    const found = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties).filter((a) => a.MetricName === metricName);
    assert.equal(found.length, 1, metricName);
    return found[0]!;
  };

  it('watch the namespace, service and function the handler emits them with', () => {
    const env = s.template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    const variables = Object.values(env)[0]!.Properties.Environment.Variables;
    assert.equal(variables.POWERTOOLS_METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE);
    assert.equal(variables.POWERTOOLS_SERVICE_NAME, DEFAULT_SERVICE_NAME);
    for (const name of ['ObjectsFailed', 'ObjectsProcessed']) {
      const a = alarm(name);
      assert.equal(a.Namespace, DEFAULT_METRICS_NAMESPACE);
      assert.deepEqual(a.Dimensions, [
        { Name: FUNCTION_DIMENSION, Value: s.resolve(s.stack.detector.handler.functionName) },
        { Name: 'service', Value: DEFAULT_SERVICE_NAME },
      ]);
      assert.equal(a.Statistic, 'Sum');
      assert.deepEqual(a.AlarmActions, [s.resolve(s.stack.detector.opsTopic.topicArn)]);
    }
  });

  it('alarms on any failed object within five minutes', () => {
    const a = alarm('ObjectsFailed');
    assert.deepEqual([a.Period, a.Threshold, a.ComparisonOperator, a.TreatMissingData], [300, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching']);
  });

  it('alarms when no object was processed for three hours, counting no data as silence', () => {
    const a = alarm('ObjectsProcessed');
    assert.deepEqual([a.Period, a.EvaluationPeriods, a.Threshold, a.ComparisonOperator, a.TreatMissingData], [3600, 3, 1, 'LessThanThreshold', 'breaching']);
  });
});
