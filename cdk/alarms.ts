/** Operational alarms: a detector that silently stops is worse than none. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_DIMENSION, METRIC } from '../lambda/metricNames.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from './defaults.ts';

export interface AlarmOptions {
  readonly handler: lambda.IFunction;
  readonly failureQueue: sqs.IQueue;
  readonly opsTopic: sns.ITopic;
}

const PERIOD = Duration.minutes(5);

/** An alarm that notifies `topic`. */
function alarmTo(scope: Construct, id: string, props: cloudwatch.AlarmProps, topic: sns.ITopic): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** Any occurrence in five minutes alarms; no data means nothing went wrong. */
function anyIn(scope: Construct, id: string, metric: cloudwatch.IMetric, description: string, topic: sns.ITopic): cloudwatch.Alarm {
  return alarmTo(scope, id, {
    metric,
    alarmDescription: description,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }, topic);
}

/** One of the detector's own EMF metrics (lambda/observability.ts), with the dimensions it is emitted with. */
function detectorMetric(handler: lambda.IFunction, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, [FUNCTION_DIMENSION]: handler.functionName },
    period,
    statistic: cloudwatch.Stats.SUM,
  });
}

/** CloudTrail delivers a file every few minutes per account and region: three hours without one is an outage. */
function silentDetector(scope: Construct, handler: lambda.IFunction, topic: sns.ITopic): cloudwatch.Alarm {
  return alarmTo(scope, 'DetectorSilentAlarm', {
    metric: detectorMetric(handler, METRIC.objectsProcessed, Duration.hours(1)),
    alarmDescription:
      'cloudtrail-sigma processed no log file for 3 hours: the trail, its S3 notification or EventBridge rule, or the function may be broken, and nothing is being watched.',
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  }, topic);
}

/** The alarms every deployment has, sent to the ops topic. */
export function createAlarms(scope: Construct, { handler, failureQueue, opsTopic }: AlarmOptions): cloudwatch.Alarm[] {
  return [
    anyIn(
      scope,
      'HandlerErrorsAlarm',
      handler.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      'The cloudtrail-sigma detector failed on an invocation; it is retried, then the object goes to the failure queue. See the function logs.',
      opsTopic,
    ),
    anyIn(
      scope,
      'HandlerThrottlesAlarm',
      handler.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      'The cloudtrail-sigma detector was throttled: raise its reserved concurrency or the account limit, or detections are delayed.',
      opsTopic,
    ),
    anyIn(
      scope,
      'DestinationDeliveryFailuresAlarm',
      handler.metric('DestinationDeliveryFailures', { period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      'A failed cloudtrail-sigma event could not be sent to the failure queue: that log file was not processed and is not queued for redrive.',
      opsTopic,
    ),
    anyIn(
      scope,
      'FailureQueueDepthAlarm',
      failureQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      'Log files that cloudtrail-sigma could not process wait in the failure queue: fix the cause, then run `cloudtrail-sigma redrive --queue URL`.',
      opsTopic,
    ),
    anyIn(
      scope,
      'ObjectsFailedAlarm',
      detectorMetric(handler, METRIC.objectsFailed, PERIOD),
      'cloudtrail-sigma could not process a log file (the function log names it, with the error kind); it is retried, then queued for `cloudtrail-sigma redrive`.',
      opsTopic,
    ),
    silentDetector(scope, handler, opsTopic),
  ];
}
