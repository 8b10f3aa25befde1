/**
 * `burstguard recover`: replays the Langfuse events uploaded in a window
 * through Langfuse's ingestion-replay API, by starting the deployed
 * recovery state machine; `--resume` redrives a recovery that stopped part
 * way, which re-runs only the batches that did not succeed (Step Functions
 * developer guide, "Redriving Map Runs").
 */

import {
  DescribeExecutionCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { fileSystemIdSchema } from '../../shared/domain/contracts.ts';
import type { RecoveryReport } from '../../shared/domain/recovery/contract.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import {
  type Io,
  parsePastTimeFlag,
  parsePolicy,
  UsageError,
} from '../output.ts';
import { chooseStateMachineArn, deployedStateMachineArn } from './start.ts';

/** The longest window one recovery replays: a week of uploads. */
export const MAX_RECOVERY_HOURS = 168;

/** How long `--wait` waits by default before it gives up, in minutes. */
export const DEFAULT_WAIT_MINUTES = 240;

/** A Step Functions execution ARN (what `--resume` takes). */
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/;

export type RecoverOptions = {
  fileSystemId?: string;
  from?: string;
  to?: string;
  dryRun: boolean;
  policy?: string;
  resume?: string;
  wait: boolean;
  /** `--wait-minutes`: how long --wait waits (default 240). */
  waitMinutes?: string;
  json: boolean;
  stateMachineArn?: string;
  region?: string;
};

/** The recovery state machine's input for a window, checked. */
export function recoveryInput(options: RecoverOptions, now: Date) {
  const id = fileSystemIdSchema.safeParse(options.fileSystemId);
  if (!id.success) {
    throw new UsageError(
      `--file-system: ${options.fileSystemId ? `${options.fileSystemId} must look like fs-0123456789abcdef0` : 'is required'}`,
    );
  }
  if (options.from === undefined) {
    throw new UsageError(
      '--from: is required (the start of the window whose uploads are replayed, ISO 8601 with a zone)',
    );
  }
  const from = parsePastTimeFlag('--from', options.from, now);
  const to =
    options.to === undefined ? now : parsePastTimeFlag('--to', options.to, now);
  if (from.getTime() >= to.getTime()) {
    throw new UsageError(
      `--from (${from.toISOString()}) must be before --to (${to.toISOString()})`,
    );
  }
  const hours = (to.getTime() - from.getTime()) / 3_600_000;
  if (hours > MAX_RECOVERY_HOURS) {
    throw new UsageError(
      `the window is ${Math.ceil(hours)} h long; one recovery replays at most ${MAX_RECOVERY_HOURS} h: split it`,
    );
  }
  const policy = parsePolicy(options.policy);
  return {
    fileSystemId: id.data,
    window: { from: from.toISOString(), to: to.toISOString() },
    dryRun: options.dryRun,
    ...(policy ? { policy } : {}),
  };
}

/** The StartExecution request of a recovery. */
export function recoverRequest(
  options: RecoverOptions,
  env: NodeJS.ProcessEnv,
  now: Date,
  deployed: () => string | undefined = () =>
    deployedStateMachineArn(undefined, 'recoveryStateMachineArn'),
) {
  const input = recoveryInput(options, now);
  const stateMachineArn = chooseStateMachineArn(
    {
      flag: options.stateMachineArn,
      env: env.BURSTGUARD_RECOVERY_STATE_MACHINE_ARN,
      deployed,
    },
    { env: 'BURSTGUARD_RECOVERY_STATE_MACHINE_ARN' },
  );
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return {
    stateMachineArn,
    // Execution names: at most 80 characters of letters, digits, - and _.
    name: `recover-${input.fileSystemId}-${stamp}`.slice(0, 80),
    input: JSON.stringify(input),
  };
}

/** The recovery's report in an execution's output, if it has one. */
export function reportOfOutput(output: string | undefined) {
  if (!output) return undefined;
  try {
    const parsed = JSON.parse(output) as { report?: RecoveryReport };
    const report = parsed.report;
    return report && typeof report.status === 'string' ? report : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `--wait-minutes`: a whole number of minutes, 1 to 10,080 (a week). */
export function parseWaitMinutes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_MINUTES;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10_080) {
    throw new UsageError(
      `--wait-minutes: ${value} must be a whole number of minutes from 1 to 10080`,
    );
  }
  return minutes;
}

/**
 * Polls an execution until it ends, one line per change of status; past
 * the deadline it stops waiting (the execution goes on) and says so.
 */
async function waitForExecution(
  sfn: SFNClient,
  executionArn: string,
  io: Io,
  pollMs: number,
  deadlineMs: number,
) {
  let last = '';
  for (;;) {
    const described = await sfn.send(
      new DescribeExecutionCommand({ executionArn }),
    );
    const status = described.status ?? 'UNKNOWN';
    if (status !== last) {
      io.err(`  ${status.toLowerCase()}\n`);
      last = status;
    }
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
      return described;
    }
    if (Date.now() + pollMs > deadlineMs) return undefined;
    await sleep(pollMs);
  }
}

export async function runRecover(
  options: RecoverOptions,
  io: Io,
  client?: SFNClient,
  pollMs = 5_000,
): Promise<number> {
  // Every flag checked before anything starts.
  const waitMinutes = parseWaitMinutes(options.waitMinutes);
  let executionArn: string;
  let region: string | undefined;
  if (options.resume !== undefined) {
    if (!EXECUTION_ARN.test(options.resume)) {
      throw new UsageError(
        `--resume: ${options.resume} must be an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME)`,
      );
    }
    executionArn = options.resume;
    region = options.region ?? executionArn.split(':')[3];
    const sfn = client ?? new SFNClient(awsClientOptions(region));
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    io.err(
      `redriving ${executionArn}: only the batches that did not succeed run again\n`,
    );
    return finish(sfn, executionArn, options, io, pollMs, waitMinutes);
  }
  const request = recoverRequest(options, process.env, new Date());
  region = options.region ?? request.stateMachineArn.split(':')[3];
  const sfn = client ?? new SFNClient(awsClientOptions(region));
  const out = await sfn.send(new StartExecutionCommand(request));
  executionArn = out.executionArn ?? '';
  const input = JSON.parse(request.input) as ReturnType<typeof recoveryInput>;
  io.err(
    `started ${executionArn}: ${input.dryRun ? 'a dry run that only counts' : 'replay by policy'}, uploads from ${input.window.from} to ${input.window.to}\n`,
  );
  return finish(sfn, executionArn, options, io, pollMs, waitMinutes);
}

async function finish(
  sfn: SFNClient,
  executionArn: string,
  options: RecoverOptions,
  io: Io,
  pollMs: number,
  minutes: number,
): Promise<number> {
  if (!options.wait) {
    if (options.json) io.out(`${JSON.stringify({ executionArn })}\n`);
    else io.out(`${executionArn}\n`);
    return 0;
  }
  const described = await waitForExecution(
    sfn,
    executionArn,
    io,
    pollMs,
    Date.now() + minutes * 60_000,
  );
  if (!described) {
    io.err(
      `still running after ${minutes} min; it goes on: ${executionArn} (burstguard recover --resume is for a run that failed)\n`,
    );
    if (options.json) {
      io.out(`${JSON.stringify({ executionArn, status: 'RUNNING' })}\n`);
    }
    return 1;
  }
  const report = reportOfOutput(described.output);
  if (options.json) {
    io.out(
      `${JSON.stringify({ executionArn, status: described.status, ...(report ? { recovery: report } : {}) })}\n`,
    );
  } else if (report) {
    io.out(
      `${report.status}: ${report.keysListed} keys listed, ${report.keysQueued} queued, ${report.keysSkipped} skipped, ${report.keysFailed} failed; records ${report.recordsBefore ?? '?'} -> ${report.recordsAfter ?? '?'}\n`,
    );
  } else {
    io.out(`${described.status}: ${executionArn}\n`);
  }
  if (described.status !== 'SUCCEEDED') {
    io.err(
      `the recovery ended ${described.status}; resume it with: burstguard recover --resume ${executionArn}\n`,
    );
    return 1;
  }
  return report && report.keysFailed > 0 ? 1 : 0;
}

/** `burstguard recover`. */
export const recoverCommand = defineCommand(
  {
    name: 'recover',
    summary:
      "replays the Langfuse events uploaded in a window through Langfuse's ingestion-replay API (the deployed recovery state machine)",
    flags: {
      'file-system': {
        type: 'string',
        value: 'ID',
        help: 'the configured EFS file system (fs-...) whose Langfuse dropped records',
      },
      from: {
        type: 'string',
        value: 'ISO',
        help: 'the start of the window whose uploads are replayed, ISO 8601 with a zone',
      },
      to: {
        type: 'string',
        value: 'ISO',
        help: `its end (default now); at most ${MAX_RECOVERY_HOURS} h after --from`,
      },
      'dry-run': {
        type: 'boolean',
        help: 'lists and counts the events to replay, replays nothing',
      },
      policy: {
        type: 'string',
        value: 'off|approve|auto',
        help: "this recovery's policy: it can only lower the file system's configured one",
      },
      resume: {
        type: 'string',
        value: 'EXECUTION_ARN',
        help: 'redrives a recovery that stopped part way: only the batches that did not succeed run again',
      },
      wait: {
        type: 'boolean',
        help: 'waits for the recovery to end and prints its counts',
      },
      'wait-minutes': {
        type: 'string',
        value: 'N',
        help: `how long --wait waits before it gives up, exit 1, the recovery going on (default ${DEFAULT_WAIT_MINUTES})`,
      },
      json: {
        type: 'boolean',
        help: 'prints one JSON object: {executionArn, status, recovery}',
      },
      'state-machine-arn': {
        type: 'string',
        value: 'ARN',
        help: 'the recovery state machine (default BURSTGUARD_RECOVERY_STATE_MACHINE_ARN, else .sst/outputs.json)',
      },
      region: {
        type: 'string',
        value: 'R',
        help: "the Step Functions region (default the ARN's)",
      },
    },
    conflicts: [
      {
        flags: ['resume', 'file-system'],
        why: '--resume continues an execution, whose input names its file system',
      },
      {
        flags: ['resume', 'from'],
        why: '--resume continues an execution, whose input names its window',
      },
      {
        flags: ['resume', 'dry-run'],
        why: '--resume continues an execution as it was started',
      },
      {
        flags: ['resume', 'to'],
        why: '--resume continues an execution, whose input names its window',
      },
      {
        flags: ['resume', 'policy'],
        why: '--resume continues an execution under the policy it started with',
      },
      {
        flags: ['resume', 'state-machine-arn'],
        why: '--resume names the execution, which names its state machine',
      },
    ],
    needs: [
      {
        flag: 'wait-minutes',
        needs: 'wait',
        why: '--wait-minutes bounds how long --wait waits',
      },
    ],
  },
  async ({ values }, io) =>
    runRecover(
      {
        fileSystemId: stringFlag(values, 'file-system'),
        from: stringFlag(values, 'from'),
        to: stringFlag(values, 'to'),
        dryRun: values['dry-run'] === true,
        policy: stringFlag(values, 'policy'),
        resume: stringFlag(values, 'resume'),
        wait: values.wait === true,
        waitMinutes: stringFlag(values, 'wait-minutes'),
        json: values.json === true,
        stateMachineArn: stringFlag(values, 'state-machine-arn'),
        region: stringFlag(values, 'region'),
      },
      io,
    ),
);
