/** What operators see: the Powertools JSON log line of an object and the EMF document of an invocation. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, createMetrics, logObject, publishInvocationMetrics } from '../lambda/observability.ts';
import type { ObjectResult } from '../lambda/objectProcessor.ts';

const failed: ObjectResult = {
  source: 's3://b/AWSLogs/x.json.gz', bucket: 'b', key: 'AWSLogs/x.json.gz', status: 'failed', records: 10, matches: 2, bytes: 1234,
  durationMs: 56, attempts: 1, alertsPublished: 2, alertsDeduplicated: 0, alertsAggregated: 0,
  error: { kind: 'truncated-gzip', message: 'gzip data ends early (truncated object?)', transient: false },
};
const ok: ObjectResult = { ...failed, key: 'AWSLogs/y.json.gz', source: 's3://b/AWSLogs/y.json.gz', status: 'ok', records: 5, matches: 1, bytes: 100, alertsPublished: 0, alertsDeduplicated: 1, error: undefined };

/** Runs `work` and returns the JSON lines it wrote to stdout and stderr (Lambda sends both to the log). */
function outputLines(work: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof stream.write;
  }
  try {
    work();
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]!));
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Function: logObject()', () => {
  it('writes one JSON line naming the object, its counts, bytes, duration and error', () => {
    const logger = createLogger({ POWERTOOLS_SERVICE_NAME: 'cloudtrail-sigma' });
    const [line] = outputLines(() => logObject(logger, failed));
    assert.equal(line?.level, 'ERROR');
    assert.equal(line?.message, 'object failed');
    assert.equal(line?.service, 'cloudtrail-sigma');
    assert.deepEqual(
      { object: line?.object, key: line?.key, records: line?.records, matches: line?.matches, bytes: line?.bytes, durationMs: line?.durationMs, error: line?.error },
      { object: failed.source, key: failed.key, records: 10, matches: 2, bytes: 1234, durationMs: 56, error: failed.error },
    );
  });
});

describe('Function: publishInvocationMetrics()', () => {
  it('writes one EMF document with every metric, in the namespace and with the function as a dimension', () => {
    const metrics = createMetrics({ POWERTOOLS_METRICS_NAMESPACE: 'CloudTrailSigma', POWERTOOLS_SERVICE_NAME: 'cloudtrail-sigma', AWS_LAMBDA_FUNCTION_NAME: 'detector-fn' });
    const [emf] = outputLines(() => publishInvocationMetrics(metrics, [failed, ok]));
    const aws = emf?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
    assert.equal(aws.CloudWatchMetrics[0]!.Namespace, 'CloudTrailSigma');
    assert.deepEqual(aws.CloudWatchMetrics[0]!.Dimensions, [['service', 'FunctionName']]);
    assert.equal(emf?.FunctionName, 'detector-fn');
    assert.deepEqual(
      Object.fromEntries(aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, [emf?.[m.Name], m.Unit]])),
      {
        ObjectsProcessed: [1, 'Count'], ObjectsFailed: [1, 'Count'], RecordsProcessed: [15, 'Count'], Matches: [3, 'Count'],
        BytesProcessed: [1334, 'Bytes'], AlertsPublished: [2, 'Count'], AlertsDeduplicated: [1, 'Count'],
      },
    );
  });

  it('defaults the namespace to CloudTrailSigma when POWERTOOLS_METRICS_NAMESPACE is not set', () => {
    const [emf] = outputLines(() => publishInvocationMetrics(createMetrics({}), []));
    const aws = emf?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
    assert.equal(aws.CloudWatchMetrics[0]!.Namespace, 'CloudTrailSigma');
    assert.deepEqual(aws.CloudWatchMetrics[0]!.Dimensions, [['service']]);
    assert.equal(emf?.ObjectsProcessed, 0);
  });
});
