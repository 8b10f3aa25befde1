import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runStart, startRequest } from '../../cli/commands/start.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { capture } from '../support/io.ts';

const ARN =
  'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-prod';
const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());

describe('burstguard start', () => {
  it('starts an execution with the console input', async () => {
    // Prepare: the response shape of the Step Functions API reference.
    sfnMock.on(StartExecutionCommand).resolves({
      executionArn: `${ARN.replace('stateMachine', 'execution')}:manual-1`,
      startDate: new Date('2026-11-23T03:00:00Z'),
    });
    const { out, io: ioObj } = capture();
    // Act
    const code = await runStart(
      {
        fileSystemId: FS_ID,
        windowMinutes: '60',
        dryRun: true,
        stateMachineArn: ARN,
      },
      ioObj,
      new SFNClient({ region: 'us-east-1' }),
    );
    // Assess
    expect(code).toBe(0);
    const input = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(ARN);
    expect(JSON.parse(input?.input ?? '{}')).toEqual({
      fileSystemId: FS_ID,
      windowMinutes: 60,
      dryRun: true,
    });
    expect(input?.name).toMatch(/^manual-fs-0123456789abcdef0-[0-9TZ-]+$/);
    expect(input?.name?.length).toBeLessThanOrEqual(80);
    expect(out.join('')).toMatch(/^started arn:aws:states:.*dry run/);
  });

  it.each([
    [{ fileSystemId: undefined }, /--file-system: is required/],
    [{ fileSystemId: 'fs-xyz' }, /must look like fs-/],
    [{ windowMinutes: '5' }, /--window-minutes/],
    [{ stateMachineArn: undefined }, /no state machine/],
  ])('refuses %o with one clear line', (overrides, message) => {
    const options = {
      fileSystemId: FS_ID,
      windowMinutes: '180',
      dryRun: false,
      stateMachineArn: ARN,
      ...overrides,
    };
    expect(() =>
      startRequest(options, {}, new Date(), () => undefined),
    ).toThrow(message);
  });

  it('finds the state machine that sst deploy wrote to .sst/outputs.json', () => {
    const request = startRequest(
      { fileSystemId: FS_ID, dryRun: false },
      {},
      new Date(),
      () => ARN,
    );
    expect(request.stateMachineArn).toBe(ARN);
  });
});
