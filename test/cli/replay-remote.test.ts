/** replay --remote: starts the backfill state machine on the prefix and follows its Map Run to the end. */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { replayRemote } from '../../cli/replay/remote.ts';
import { Reporter } from '../../cli/output.ts';

const SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Backfill';
const EXEC = 'arn:aws:states:eu-west-1:111122223333:execution:Backfill:run-1';
const MAP_RUN = 'arn:aws:states:eu-west-1:111122223333:mapRun:Backfill/Backfill:run-1';
const sfn = mockClient(SFNClient);

function stderr() {
  const text: string[] = [];
  return { text, reporter: new Reporter(undefined, { isTTY: false, write: (s: string) => (text.push(s), true) } as unknown as NodeJS.WriteStream) };
}
const counts = (over: object) => ({ total: 100, pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, resultsWritten: 0, ...over });

describe('Function: replayRemote()', () => {
  beforeEach(() => {
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXEC });
    sfn.on(ListMapRunsCommand).resolvesOnce({ mapRuns: [] }).resolves({ mapRuns: [{ mapRunArn: MAP_RUN, executionArn: EXEC, stateMachineArn: SM, startDate: new Date() }] });
  });

  it('starts an execution with the bucket and prefix, follows it and exits 0 when every object succeeded', async () => {
    sfn.on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' } as never)
      .resolvesOnce({ status: 'RUNNING' } as never)
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify({ ResultWriterDetails: { Bucket: 'results', Key: 'backfill/abc/manifest.json' } }) } as never);
    sfn.on(DescribeMapRunCommand).resolvesOnce({ itemCounts: counts({ running: 40, succeeded: 10 }) } as never).resolves({ itemCounts: counts({ succeeded: 100 }) } as never);
    const err = stderr();
    const status = await replayRemote(sfn as unknown as SFNClient, { stateMachineArn: SM, bucket: 'trail', prefix: 'AWSLogs/o-1/' , pollMs: 1 }, err.reporter, { requested: false });
    assert.equal(status, 0);
    assert.deepEqual(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!), { bucket: 'trail', prefix: 'AWSLogs/o-1/' });
    const out = err.text.join('');
    assert.match(out, /started arn:aws:states:.*:execution:Backfill:run-1/);
    assert.match(out, /backfill: SUCCEEDED, 100\/100 objects \(0 running, 100 succeeded, 0 failed\)/);
    assert.match(out, /results: s3:\/\/results\/backfill\/abc\/manifest\.json/);
  });

  it('exits 1 when objects failed within the tolerated share, and names the failure of a failed execution', async () => {
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [{ mapRunArn: MAP_RUN, executionArn: EXEC, stateMachineArn: SM, startDate: new Date() }] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold', cause: 'too many failed items' } as never);
    sfn.on(DescribeMapRunCommand).resolves({ itemCounts: counts({ succeeded: 90, failed: 10 }) } as never);
    const err = stderr();
    const status = await replayRemote(sfn as unknown as SFNClient, { stateMachineArn: SM, bucket: 'trail', prefix: 'AWSLogs/', pollMs: 1 }, err.reporter, { requested: false });
    assert.equal(status, 1);
    assert.match(err.text.join(''), /FAILED, 100\/100 objects \(0 running, 90 succeeded, 10 failed\)[\s\S]*error: States\.ExceedToleratedFailureThreshold: too many failed items/);
  });

  it('says so when the execution ended before any Map Run (input refused)', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'InvalidInput', cause: 'prefix must start with AWSLogs/' } as never);
    const err = stderr();
    const status = await replayRemote(sfn as unknown as SFNClient, { stateMachineArn: SM, bucket: 'trail', prefix: 'logs/', pollMs: 1 }, err.reporter, { requested: false });
    assert.equal(status, 1);
    assert.match(err.text.join(''), /backfill: FAILED, no Map Run was started[\s\S]*error: InvalidInput: prefix must start with AWSLogs\//);
  });

  it('stops following on an interrupt and leaves the execution running', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' } as never);
    sfn.on(DescribeMapRunCommand).resolves({ itemCounts: counts({ running: 5 }) } as never);
    const err = stderr();
    const status = await replayRemote(sfn as unknown as SFNClient, { stateMachineArn: SM, bucket: 'trail', prefix: 'AWSLogs/', pollMs: 1 }, err.reporter, { requested: true });
    assert.equal(status, 0);
    assert.match(err.text.join(''), /stopped following; the execution goes on: .*run-1/);
  });
});
