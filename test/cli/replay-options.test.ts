/** replay's options: every mistake is a usage error (exit 2) found before any work starts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { readReplayOptions } from '../../cli/replay/options.ts';
import { UsageError } from '../../cli/exitCodes.ts';

const common = { format: 'table' as const, minLevel: 'informational' as const };
const base = { bucket: 'trail', prefix: 'AWSLogs/' };
const SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Backfill';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:alerts';
const usage = (v: Record<string, unknown>, message: RegExp) =>
  assert.throws(() => readReplayOptions(v as never, [], common), (err: unknown) => err instanceof UsageError && message.test(err.message));

describe('Function: readReplayOptions()', () => {
  it('defaults the concurrency to the cores and reads lists and days', () => {
    const o = readReplayOptions({ ...base, since: '2025-02-28', until: '2025-03-01', accounts: '1, 2', regions: 'eu-west-1' }, [], common);
    assert.equal(o.concurrency, availableParallelism());
    assert.deepEqual([o.since, o.until, o.accounts, o.regions], ['2025-02-28', '2025-03-01', ['1', '2'], ['eu-west-1']]);
  });

  it('needs --bucket and --prefix (an empty prefix is the whole bucket)', () => {
    usage({ prefix: 'AWSLogs/' }, /needs --bucket/);
    usage({ bucket: 'trail' }, /needs --prefix/);
    assert.equal(readReplayOptions({ bucket: 'trail', prefix: '' }, [], common).prefix, '');
  });

  it('refuses --publish without --topic-arn, and printing options with --publish', () => {
    usage({ ...base, publish: true }, /--publish needs --topic-arn ARN/);
    usage({ ...base, 'topic-arn': TOPIC }, /--topic-arn is used with --publish/);
    usage({ ...base, publish: true, 'topic-arn': 'alerts' }, /not an SNS topic ARN/);
    usage({ ...base, publish: true, 'topic-arn': TOPIC, output: 'x.jsonl' }, /with --publish they are published/);
    assert.equal(readReplayOptions({ ...base, publish: true, 'topic-arn': TOPIC }, [], common).topicArn, TOPIC);
    usage({ ...base, 'dedup-table': 'claims' }, /--dedup-table is used with --publish/);
    assert.equal(readReplayOptions({ ...base, publish: true, 'topic-arn': TOPIC, 'dedup-table': 'claims' }, [], common).dedupTable, 'claims');
  });

  it('checks days, their order and the concurrency', () => {
    usage({ ...base, since: '2025-02-30' }, /--since must be a day as YYYY-MM-DD/);
    usage({ ...base, until: '03/01/2025' }, /--until must be a day/);
    usage({ ...base, since: '2025-03-02', until: '2025-03-01' }, /is after --until/);
    usage({ ...base, concurrency: '0' }, /--concurrency must be a whole number/);
    usage({ ...base, accounts: ' , ' }, /--accounts needs at least one value/);
  });

  it('takes --remote with a state machine ARN, and no option only a local replay has', () => {
    assert.equal(readReplayOptions({ ...base, remote: true, 'state-machine': SM }, [], common).stateMachineArn, SM);
    usage({ ...base, remote: true }, /--remote needs --state-machine ARN/);
    usage({ ...base, 'state-machine': SM }, /--state-machine is used with --remote/);
    usage({ ...base, remote: true, 'state-machine': 'Backfill' }, /not a state machine ARN/);
    usage({ ...base, remote: true, 'state-machine': SM, since: '2025-03-01', resume: true }, /--since, --resume apply to local replays only/);
  });

  it('takes no positional arguments', () => {
    assert.throws(() => readReplayOptions(base, ['s3://trail/AWSLogs/'], common), /no positional arguments/);
  });
});
