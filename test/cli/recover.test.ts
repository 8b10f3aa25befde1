/**
 * `burstguard recover` against a deployment: StartExecution of the recovery
 * state machine, RedriveExecution for `--resume`, DescribeExecution for
 * `--wait`. The responses are shaped as the Step Functions API reference's
 * (StartExecution: executionArn, startDate; RedriveExecution: redriveDate;
 * DescribeExecution: status RUNNING | SUCCEEDED | FAILED | ..., output as a
 * JSON string).
 */
import {
  DescribeExecutionCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_RECOVERY_HOURS,
  recoverRequest,
  runRecover,
} from '../../cli/commands/recover.ts';
import { main } from '../../cli/main.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { capture } from '../support/io.ts';

const ARN =
  'arn:aws:states:eu-west-1:123456789012:stateMachine:burstguard-prod-recovery';
const EXECUTION = `${ARN.replace('stateMachine', 'execution')}:recover-1`;
const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());

const base = {
  fileSystemId: FS_ID,
  from: '2026-11-20T01:00:00Z',
  to: '2026-11-20T04:30:00Z',
  dryRun: false,
  wait: false,
  json: false,
  stateMachineArn: ARN,
};

describe('burstguard recover', () => {
  it('starts the recovery state machine with the window, in its region', async () => {
    sfnMock.on(StartExecutionCommand).resolves({
      executionArn: EXECUTION,
      startDate: new Date('2026-11-20T05:00:00Z'),
    });
    const { out, err, io } = capture();
    const code = await runRecover(
      { ...base, dryRun: true },
      io,
      new SFNClient({ region: 'eu-west-1' }),
    );
    expect(code).toBe(0);
    const call = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.stateMachineArn).toBe(ARN);
    expect(JSON.parse(call?.input ?? '{}')).toEqual({
      fileSystemId: FS_ID,
      window: {
        from: '2026-11-20T01:00:00.000Z',
        to: '2026-11-20T04:30:00.000Z',
      },
      dryRun: true,
    });
    expect(call?.name).toMatch(/^recover-fs-0123456789abcdef0-[0-9TZ-]+$/);
    expect(out.join('')).toBe(`${EXECUTION}\n`);
    expect(err.join('')).toMatch(/a dry run that only counts/);
  });

  it('waits, then prints the counts and exits 0 when nothing failed', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    const report = {
      status: 'recovered',
      window: { from: base.from, to: base.to },
      keysListed: 1200,
      keysQueued: 310,
      keysSkipped: 0,
      keysFailed: 0,
      recordsBefore: 4100,
      recordsAfter: 4410,
    };
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify({ report }) });
    const { out, io } = capture();
    const code = await runRecover(
      { ...base, wait: true, json: true },
      io,
      new SFNClient({ region: 'eu-west-1' }),
      0,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({
      executionArn: EXECUTION,
      status: 'SUCCEEDED',
      recovery: report,
    });
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
  });

  it('exits 1 and says how to resume when the execution failed', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    const { err, io } = capture();
    const code = await runRecover(
      { ...base, wait: true },
      io,
      new SFNClient({ region: 'eu-west-1' }),
      0,
    );
    expect(code).toBe(1);
    expect(err.join('')).toContain(`burstguard recover --resume ${EXECUTION}`);
  });

  it('--resume redrives the execution instead of starting one', async () => {
    sfnMock
      .on(RedriveExecutionCommand)
      .resolves({ redriveDate: new Date('2026-11-20T06:00:00Z') });
    const { out, io } = capture();
    const code = await runRecover(
      { dryRun: false, wait: false, json: false, resume: EXECUTION },
      io,
      new SFNClient({ region: 'eu-west-1' }),
    );
    expect(code).toBe(0);
    expect(
      sfnMock.commandCalls(RedriveExecutionCommand)[0]?.args[0].input,
    ).toEqual({ executionArn: EXECUTION });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(out.join('')).toBe(`${EXECUTION}\n`);
  });

  const now = new Date('2026-11-20T05:00:00Z');
  it.each([
    [{ fileSystemId: undefined }, /--file-system: is required/],
    [{ from: undefined }, /--from: is required/],
    [{ from: 'yesterday' }, /--from/],
    [{ to: '2026-11-20T06:00:00Z' }, /--to .* is after now/],
    [{ from: '2026-11-20T04:30:00Z' }, /must be before --to/],
    [
      { from: '2026-11-10T00:00:00Z' },
      new RegExp(`at most ${MAX_RECOVERY_HOURS} h`),
    ],
    [{ policy: 'always' }, /--policy/],
    [{ stateMachineArn: undefined }, /no state machine/],
    [
      { stateMachineArn: 'burstguard-recovery' },
      /must look like arn:aws:states/,
    ],
  ])('refuses %o with one clear line', (overrides, message) => {
    expect(() =>
      recoverRequest({ ...base, ...overrides }, {}, now, () => undefined),
    ).toThrow(message);
  });

  it('gives up waiting at --wait-minutes, says the recovery goes on, and exits 1', async () => {
    // Prepare: an execution that stays RUNNING (waiting on an approver).
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const { out, err, io } = capture();

    // Act: a poll interval longer than the one-minute deadline.
    const code = await runRecover(
      { ...base, wait: true, json: true, waitMinutes: '1' },
      io,
      new SFNClient({ region: 'eu-west-1' }),
      120_000,
    );

    // Assess
    expect(code).toBe(1);
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
    expect(err.join('')).toContain(
      `still running after 1 min; it goes on: ${EXECUTION}`,
    );
    expect(JSON.parse(out.join(''))).toEqual({
      executionArn: EXECUTION,
      status: 'RUNNING',
    });
  });

  it('refuses --resume with a window, and a resume that is no execution ARN, exit 2', async () => {
    for (const argv of [
      ['recover', '--resume', EXECUTION, '--from', base.from],
      ['recover', '--resume', EXECUTION, '--to', base.to],
      ['recover', '--resume', EXECUTION, '--policy', 'off'],
      ['recover', '--resume', EXECUTION, '--state-machine-arn', ARN],
      ['recover', '--resume', EXECUTION, '--wait-minutes', '5'],
      ['recover', '--resume', EXECUTION, '--wait', '--wait-minutes', '0'],
      ['recover', '--resume', ARN],
    ]) {
      const { err, io } = capture();
      const code = await main(argv, io);
      expect(code).toBe(2);
      expect(err.join('').trim().split('\n')[0]).toMatch(
        /--resume|--from|--wait/,
      );
    }
  });
});
