/**
 * Runs the recovery state machine (workflows/recovery.ts) locally with
 * aws-local-stepfunctions. aws-local-stepfunctions cannot execute a
 * Distributed Map (see local/distributed-map.ts), so each one is swapped for
 * a Task state, with the Map state's InputPath, ResultSelector, ResultPath,
 * OutputPath, Retry, Catch and Next, whose local handler is the local
 * Distributed Map engine. Everything else is the deployed definition.
 *
 * A failed run can be redriven as RedriveExecution does (developer guide,
 * "Restarting state machine executions with redrive"): from the state that
 * failed, with that state's input; a Distributed Map there re-runs only the
 * child executions of its Map Run that did not succeed.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import {
  buildRecoveryDefinition,
  DISTRIBUTED_MAP_STATES,
  placeholderRecoveryArns,
  RECOVERY_TASK_LAMBDA,
  type RecoveryDefinitionOptions,
  type RecoveryTaskStateName,
} from '../workflows/recovery.ts';
import {
  type DistributedMapState,
  followStates,
  type MapRunStore,
  MemoryMapRunStore,
  runDistributedMap,
  type S3Sender,
} from './distributed-map.ts';
import {
  asLambdaError,
  LOCAL_TASK_TOKEN,
  localExecution,
} from './state-machine-runner.ts';

/** The local handler of each Task state, the Map's children's included. */
export type RecoveryTaskHandlers = Record<
  RecoveryTaskStateName,
  (input: unknown) => Promise<unknown>
>;

export type RecoveryPorts = {
  /** The S3 API the Map lists and writes through (a loopback S3 server). */
  s3: S3Sender;
  /** What each Task state runs (the step handlers, wired to local ports). */
  tasks: RecoveryTaskHandlers;
  /** Map Run records (the checkpoint a redrive resumes); in memory. */
  mapRuns?: MapRunStore;
};

export type RecoveryRunOptions = RecoveryDefinitionOptions & {
  region?: string;
  /** Milliseconds between retries, per state (tests). */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Seen for every state entered (progress, tests). */
  onState?: (state: string) => void;
};

type Definition = ReturnType<typeof buildRecoveryDefinition>;

/** How a local recovery run ended; a failed one carries what redrive needs. */
export type RecoveryRunResult =
  | {
      status: 'SUCCEEDED';
      executionId: string;
      output: Record<string, unknown>;
    }
  | {
      status: 'FAILED';
      executionId: string;
      error: string;
      cause: string;
      /** The state that failed and its input: where a redrive resumes. */
      failedState?: string;
      failedInput?: unknown;
      /** Everything needed to redrive this run. */
      redrive: RedriveContext;
    };

type RedriveContext = {
  definition: Definition;
  ports: RecoveryPorts & { mapRuns: MapRunStore };
  options: RecoveryRunOptions;
  execution: { Id: string; Name: string };
};

/** The Task that stands in for a Distributed Map state locally. */
function engineTask(state: Record<string, unknown>, partition: string) {
  const kept = [
    'Comment',
    'InputPath',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'Retry',
    'Catch',
    'Next',
    'End',
  ];
  return {
    ...Object.fromEntries(
      kept.filter((k) => k in state).map((k) => [k, state[k]]),
    ),
    Type: 'Task',
    Resource: `arn:${partition}:lambda:us-east-1:000000000000:function:local-distributed-map`,
    // A Map state has no timeout of its own; the local Task gets a week.
    TimeoutSeconds: 7 * 24 * 3600,
  };
}

function wrap(handler: (input: unknown) => Promise<unknown>) {
  return async (input: unknown) => {
    try {
      return await handler(input);
    } catch (error) {
      throw asLambdaError(error);
    }
  };
}

async function execute(
  context: RedriveContext,
  startAt: string,
  input: unknown,
  redriving: boolean,
): Promise<RecoveryRunResult> {
  const { definition, ports, options, execution } = context;
  const partition = execution.Id.split(':')[1] ?? 'aws';
  const states: Record<string, unknown> = { ...definition.States };
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const childHandlers: Record<string, (input: unknown) => Promise<unknown>> =
    {};
  for (const [name, handler] of Object.entries(ports.tasks)) {
    handlers[name] = wrap(handler);
    childHandlers[name] = wrap(handler);
  }
  for (const name of DISTRIBUTED_MAP_STATES) {
    const mapState = definition.States[name] as DistributedMapState &
      Record<string, unknown>;
    states[name] = engineTask(mapState, partition);
    // A redrive resumes the failed Map Run once; a later entry of the same
    // state (the next prefix) starts a new Map Run, as on AWS.
    let resume = redriving && startAt === name;
    handlers[name] = async (mapInput: unknown) => {
      const previous = ports.mapRuns.latest(execution.Id, name);
      const redrive =
        resume && previous?.status === 'FAILED' ? previous : undefined;
      resume = false;
      return runDistributedMap(mapState, mapInput, {
        s3: ports.s3,
        executionId: execution.Id,
        stateName: name,
        taskHandlers: childHandlers,
        store: ports.mapRuns,
        ...(options.retryIntervalOverrides
          ? { retryIntervalOverrides: options.retryIntervalOverrides }
          : {}),
        ...(redrive ? { redrive } : {}),
      });
    };
  }
  const machine = new StateMachine(
    { ...definition, StartAt: startAt, States: states } as never,
    { validationOptions: { noValidate: true } },
  );
  const run = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      ...(options.retryIntervalOverrides
        ? { retryIntervalOverrides: options.retryIntervalOverrides }
        : {}),
    },
    context: {
      Task: { Token: LOCAL_TASK_TOKEN },
      Execution: execution,
    },
  });
  const running = followStates(run.eventLogs, options.onState);
  try {
    const output = (await run.result) as Record<string, unknown>;
    await running.done;
    return { status: 'SUCCEEDED', executionId: execution.Id, output };
  } catch (error) {
    await running.done;
    const current = running.current();
    const cause = (error as { cause?: { name?: string; message?: string } })
      .cause;
    return {
      status: 'FAILED',
      executionId: execution.Id,
      error: cause?.name ?? 'ExecutionError',
      cause: cause?.message ?? '',
      ...(current
        ? { failedState: current.state, failedInput: current.input }
        : {}),
      redrive: context,
    };
  }
}

/**
 * Runs one execution of the recovery definition locally: the deployed ASL
 * (validated with asl-validator's ARN and path checks), its Distributed Map
 * states run by the local engine.
 */
export async function runRecoveryLocal(
  input: unknown,
  ports: RecoveryPorts,
  options: RecoveryRunOptions,
): Promise<RecoveryRunResult> {
  const region = options.region ?? 'us-east-1';
  const definition = buildRecoveryDefinition(
    placeholderRecoveryArns(region),
    undefined,
    options,
  );
  // The definition as deployed must pass the validator; the swapped copy
  // then runs without a second check.
  new StateMachine(definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  for (const name of Object.keys(RECOVERY_TASK_LAMBDA)) {
    if (!(name in ports.tasks)) {
      throw new Error(`no local handler for the ${name} state`);
    }
  }
  const context: RedriveContext = {
    definition,
    ports: { ...ports, mapRuns: ports.mapRuns ?? new MemoryMapRunStore() },
    options,
    execution: localExecution(region, 'burstguard-recovery-local'),
  };
  return execute(context, definition.StartAt, input, false);
}

/**
 * Redrives a failed local run as RedriveExecution does: the same execution,
 * from the state that failed, with that state's input; a Distributed Map
 * there re-runs only its unsuccessful child executions.
 */
export async function redriveRecoveryLocal(
  failed: RecoveryRunResult,
): Promise<RecoveryRunResult> {
  if (failed.status !== 'FAILED') {
    throw new Error('only a failed run can be redriven');
  }
  if (!failed.failedState) {
    throw new Error('the failed run names no state to resume from');
  }
  return execute(failed.redrive, failed.failedState, failed.failedInput, true);
}
