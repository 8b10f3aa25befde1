/**
 * `burstguard start`: starts an execution of the deployed state machine with
 * the console's manual input, as a person would from the AWS console.
 */

import { readFileSync } from 'node:fs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { fileSystemIdSchema } from '../../shared/domain/contracts.ts';
import {
  type Io,
  parseFlags,
  parseWindowMinutes,
  UsageError,
} from '../output.ts';

export type StartOptions = {
  fileSystemId?: string;
  windowMinutes?: string;
  dryRun: boolean;
  stateMachineArn?: string;
  region?: string;
  /** Print the request instead of sending it. */
  print?: boolean;
};

/**
 * The state machine ARN `sst deploy` wrote to .sst/outputs.json, if this is
 * the checkout that deployed it.
 */
export function deployedStateMachineArn(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): string | undefined {
  try {
    const outputs = JSON.parse(read('.sst/outputs.json')) as {
      stateMachineArn?: unknown;
    };
    return typeof outputs.stateMachineArn === 'string'
      ? outputs.stateMachineArn
      : undefined;
  } catch {
    return undefined;
  }
}

/** The StartExecution request for a manual run. */
export function startRequest(
  options: StartOptions,
  env: NodeJS.ProcessEnv,
  now: Date,
  deployed: () => string | undefined = deployedStateMachineArn,
) {
  const id = fileSystemIdSchema.safeParse(options.fileSystemId);
  if (!id.success) {
    throw new UsageError(
      `--file-system: ${options.fileSystemId ? `${options.fileSystemId} must look like fs-0123456789abcdef0` : 'is required'}`,
    );
  }
  const windowMinutes = parseWindowMinutes(options.windowMinutes ?? 180);
  const arn =
    options.stateMachineArn ?? env.BURSTGUARD_STATE_MACHINE_ARN ?? deployed();
  if (!arn) {
    throw new Error(
      'no state machine: pass --state-machine-arn, set BURSTGUARD_STATE_MACHINE_ARN, or run from the checkout that ran sst deploy',
    );
  }
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return {
    stateMachineArn: arn,
    // Execution names: at most 80 characters of letters, digits, - and _.
    name: `manual-${id.data}-${stamp}`.slice(0, 80),
    input: JSON.stringify({
      fileSystemId: id.data,
      windowMinutes,
      dryRun: options.dryRun,
    }),
  };
}

export async function runStart(
  options: StartOptions,
  io: Io,
  client?: SFNClient,
): Promise<number> {
  const request = startRequest(options, process.env, new Date());
  const region = options.region ?? request.stateMachineArn.split(':')[3];
  const sfn = client ?? new SFNClient(awsClientOptions(region));
  const out = await sfn.send(new StartExecutionCommand(request));
  io.out(
    `started ${out.executionArn} (${options.dryRun ? 'dry run: remediation only prints its call' : 'remediation by policy'})\n`,
  );
  return 0;
}

/** The command line of `burstguard start`. */
export async function startCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    'file-system': { type: 'string' },
    'window-minutes': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'state-machine-arn': { type: 'string' },
    region: { type: 'string' },
  });
  return runStart(
    {
      fileSystemId: values['file-system'] as string | undefined,
      windowMinutes: values['window-minutes'] as string | undefined,
      dryRun: Boolean(values['dry-run']),
      stateMachineArn: values['state-machine-arn'] as string | undefined,
      region: values.region as string | undefined,
    },
    io,
  );
}
