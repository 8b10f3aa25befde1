/**
 * `burstguard start`: starts an execution of the deployed state machine with
 * the console's manual input, as a person would from the AWS console.
 */

import { readFileSync } from 'node:fs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import {
  fileSystemIdSchema,
  manualInputSchema,
  type Policy,
  WINDOW_MINUTES,
} from '../../shared/domain/contracts.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import {
  type Io,
  parsePastTimeFlag,
  parsePolicy,
  parseWindowMinutes,
  UsageError,
} from '../output.ts';

export type StartOptions = {
  fileSystemId?: string;
  windowMinutes?: string;
  dryRun: boolean;
  stateMachineArn?: string;
  region?: string;
  /** The window's end (a past incident), ISO 8601; default now. */
  at?: string;
  /** A policy for this run: it can only lower the configured one. */
  policy?: string;
  /** Free text kept with the run. */
  note?: string;
};

/** A Step Functions state machine ARN, whose fourth field is its region. */
export const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(?::[A-Za-z0-9_-]{1,80})?$/;

/** The flag each manual input field comes from, for usage errors. */
const FLAG_OF_FIELD: Record<string, string> = {
  fileSystemId: '--file-system',
  windowMinutes: '--window-minutes',
  dryRun: '--dry-run',
  policy: '--policy',
  at: '--at',
  note: '--note',
};

/**
 * The manual input a run starts with, checked against the schema Normalize
 * parses it with, so a mistake is a usage error here rather than a failed
 * execution.
 */
export function manualInput(options: StartOptions, now: Date) {
  const id = fileSystemIdSchema.safeParse(options.fileSystemId);
  if (!id.success) {
    throw new UsageError(
      `--file-system: ${options.fileSystemId ? `${options.fileSystemId} must look like fs-0123456789abcdef0` : 'is required'}`,
    );
  }
  const policy: Policy | undefined = parsePolicy(options.policy);
  const input = {
    fileSystemId: id.data,
    windowMinutes: parseWindowMinutes(options.windowMinutes ?? 180),
    dryRun: options.dryRun,
    ...(policy ? { policy } : {}),
    ...(options.at !== undefined
      ? { at: parsePastTimeFlag('--at', options.at, now).toISOString() }
      : {}),
    ...(options.note !== undefined ? { note: options.note } : {}),
  };
  const checked = manualInputSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    throw new UsageError(
      `${FLAG_OF_FIELD[field] ?? field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return checked.data;
}

/**
 * A state machine ARN `sst deploy` wrote to .sst/outputs.json (the runbook's
 * `stateMachineArn` unless another output is named), if this is the
 * checkout that deployed it.
 */
export function deployedStateMachineArn(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  output: 'stateMachineArn' | 'recoveryStateMachineArn' = 'stateMachineArn',
): string | undefined {
  try {
    const outputs = JSON.parse(read('.sst/outputs.json')) as Record<
      string,
      unknown
    >;
    const arn = outputs[output];
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The state machine a command acts on: its flag, else its environment
 * variable, else the deploy's outputs; checked to be a state machine ARN.
 */
export function chooseStateMachineArn(
  sources: { flag?: string; env?: string; deployed: () => string | undefined },
  names: { env: string },
): string {
  const arn = sources.flag ?? sources.env ?? sources.deployed();
  if (!arn) {
    throw new UsageError(
      `no state machine: pass --state-machine-arn, set ${names.env}, or run from the checkout that ran sst deploy`,
    );
  }
  if (!STATE_MACHINE_ARN.test(arn)) {
    throw new UsageError(
      `state machine ARN ${arn} must look like arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`,
    );
  }
  return arn;
}

/** The StartExecution request for a manual run. */
export function startRequest(
  options: StartOptions,
  env: NodeJS.ProcessEnv,
  now: Date,
  deployed: () => string | undefined = deployedStateMachineArn,
) {
  const input = manualInput(options, now);
  const arn = chooseStateMachineArn(
    {
      flag: options.stateMachineArn,
      env: env.BURSTGUARD_STATE_MACHINE_ARN,
      deployed,
    },
    { env: 'BURSTGUARD_STATE_MACHINE_ARN' },
  );
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return {
    stateMachineArn: arn,
    // Execution names: at most 80 characters of letters, digits, - and _.
    name: `manual-${input.fileSystemId}-${stamp}`.slice(0, 80),
    input: JSON.stringify(input),
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
  const input = JSON.parse(request.input) as ReturnType<typeof manualInput>;
  const details = [
    input.dryRun
      ? 'dry run: remediation only prints its call'
      : 'remediation by policy',
    ...(input.policy
      ? [
          `asked for policy ${input.policy}, which can only lower the configured one`,
        ]
      : []),
    ...(input.at ? [`window ending ${input.at}`] : []),
  ];
  io.out(`started ${out.executionArn} (${details.join('; ')})\n`);
  return 0;
}

/** `burstguard start`. */
export const startCommand = defineCommand(
  {
    name: 'start',
    summary:
      "starts an execution of the deployed state machine with the console's manual input",
    flags: {
      'file-system': {
        type: 'string',
        required: true,
        value: 'ID',
        help: 'the configured EFS file system (fs-...)',
      },
      'window-minutes': {
        type: 'string',
        value: 'N',
        help: `how far back the diagnosis looks, ${WINDOW_MINUTES.min} to ${WINDOW_MINUTES.max} (default 180)`,
      },
      at: {
        type: 'string',
        value: 'ISO',
        help: "the window's end, ISO 8601 with a zone, for a past incident (default now)",
      },
      policy: {
        type: 'string',
        value: 'off|approve|auto',
        help: "this run's remediation policy: it can only lower the file system's configured one, never raise it",
      },
      note: {
        type: 'string',
        value: 'TEXT',
        help: 'a note kept with the run (at most 500 characters)',
      },
      'dry-run': {
        type: 'boolean',
        help: 'Remediate prints the exact UpdateFileSystem call instead of making it',
      },
      'state-machine-arn': {
        type: 'string',
        value: 'ARN',
        help: 'the state machine (default BURSTGUARD_STATE_MACHINE_ARN, else .sst/outputs.json)',
      },
      region: {
        type: 'string',
        value: 'R',
        help: "the Step Functions region (default the ARN's)",
      },
    },
    conflicts: [
      {
        flags: ['dry-run', 'policy'],
        when: (values) => values.policy === 'off',
        why: 'policy off never switches, so there is no call to print',
      },
    ],
  },
  async ({ values }, io) =>
    runStart(
      {
        fileSystemId: stringFlag(values, 'file-system'),
        windowMinutes: stringFlag(values, 'window-minutes'),
        dryRun: values['dry-run'] === true,
        stateMachineArn: stringFlag(values, 'state-machine-arn'),
        region: stringFlag(values, 'region'),
        at: stringFlag(values, 'at'),
        policy: stringFlag(values, 'policy'),
        note: stringFlag(values, 'note'),
      },
      io,
    ),
);
