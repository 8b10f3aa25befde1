/**
 * Runs the deployed state machine definition locally with
 * aws-local-stepfunctions: every Task state mapped to its real handler (the
 * same middy chain the Lambda runs), the ports wired to local adapters.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { StateMachine } from 'aws-local-stepfunctions';
import { createCollectClickHouseHandler } from '../functions/collect-clickhouse/lambda.ts';
import { createCollectEfsHandler } from '../functions/collect-efs/lambda.ts';
import { createCollectLangfuseHandler } from '../functions/collect-langfuse/lambda.ts';
import { createDiagnoseHandler } from '../functions/diagnose/lambda.ts';
import { createNormalizeHandler } from '../functions/normalize/lambda.ts';
import { createNotifyHandler } from '../functions/notify/lambda.ts';
import { createOpenIncidentHandler } from '../functions/open-incident/lambda.ts';
import { createRemediateHandler } from '../functions/remediate/lambda.ts';
import { createRequestApprovalHandler } from '../functions/request-approval/lambda.ts';
import { createResolveIncidentHandler } from '../functions/resolve-incident/lambda.ts';
import { createVerifyHandler } from '../functions/verify/lambda.ts';
import { type AppConfig, approvalSettings } from '../shared/domain/config.ts';
import type {
  AwaitingApproval,
  RecoveryInput,
} from '../shared/domain/contracts.ts';
import { causeMessage } from '../shared/domain/errors.ts';
import { partitionOf } from '../shared/domain/messages/console-links.ts';
import type {
  AlarmsPort,
  ChartPort,
  ClickHousePort,
  Clock,
  EfsPort,
  IncidentStore,
  LogsInsightsPort,
  MetricsPort,
  PagerPort,
  SlackPort,
} from '../shared/domain/ports.ts';
import {
  localContext,
  type StepHandler,
} from '../shared/runtime/step-handler.ts';
import {
  buildDefinition,
  placeholderArns,
  TASK_LAMBDA,
  type TaskStateName,
} from '../workflows/definition.ts';

export type LocalPorts = {
  config: AppConfig;
  clock: Clock;
  efs: EfsPort;
  metrics: MetricsPort;
  /** Absent: the Langfuse collector counts from the metric filters. */
  logsInsights?: LogsInsightsPort;
  clickhouseFor(fileSystemId: string): ClickHousePort | undefined;
  slack: SlackPort;
  store: IncidentStore;
  /** Draws the charts Notify attaches to a finding; none, no charts. */
  charts?: ChartPort;
  /**
   * CloudWatch DescribeAlarms, read by ResolveIncident after the quiet
   * period. Without it, a run that reaches the check fails there: a local
   * run must say which states its alarms are in.
   */
  alarms?: AlarmsPort;
  /**
   * Stands in for a person pressing Approve or Decline in Slack, which in
   * AWS resumes the execution with SendTaskSuccess. Without it, an approval
   * request times out as it would after an hour.
   */
  approver?: (
    state: AwaitingApproval,
  ) => Promise<{ approved: boolean; by?: string } | undefined>;
  /** Called with each escalation; none: no pager webhook is configured. */
  pager?: PagerPort;
  /**
   * Starts the recovery a switch that worked asks for, as StartExecution
   * of the recovery state machine does on AWS (its answer's
   * ExecutionArn). Without it, StartRecovery fails as an unreachable state
   * machine would, and the outcome says the recovery did not start.
   */
  startRecovery?: (input: RecoveryInput) => Promise<{ executionArn: string }>;
};

/** Progress of a local run, one event per state entered or left. */
export type RunEvent =
  | { type: 'entered'; state: string; stateType: string }
  | { type: 'exited'; state: string; stateType: string; output: unknown }
  | { type: 'failed'; state: string; error: string; cause?: string }
  | { type: 'caught'; state: string };

export type RunResult =
  | {
      status: 'SUCCEEDED';
      output: Record<string, unknown>;
      transitions: number;
    }
  | {
      status: 'FAILED';
      error: string;
      /** The Cause as Step Functions has it (Lambda's JSON, or text). */
      cause: string;
      /** The error message for a person: the cause's errorMessage. */
      message: string;
      transitions: number;
    };

/** The errorMessage of a Lambda error Cause, or the cause itself. */
export { causeMessage };

/** The token a local run hands to RequestApproval for `$$.Task.Token`. */
export const LOCAL_TASK_TOKEN = 'local-task-token';

/**
 * Makes a thrown error look like a Lambda function error reaches Step
 * Functions: Error is the errorType, Cause the JSON Lambda reports.
 */
export function asLambdaError(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new Error(
    JSON.stringify({ errorType: name, errorMessage: message }),
  );
  wrapped.name = name;
  return wrapped;
}

function silentLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: 'SILENT' });
}

/**
 * Runs step handlers as Task states would invoke their Lambdas: `invoke`
 * calls a handler by its function name with a local Lambda context, a
 * thrown error shaped as Lambda reports it; `tasks` maps each Task state
 * of `taskLambda` to its function.
 */
export function localTasks<S extends string>(
  handlers: Record<string, StepHandler<unknown>>,
  taskLambda: Record<S, string>,
): {
  invoke: (lambda: string, event: unknown) => Promise<unknown>;
  tasks: Record<S, (input: unknown) => Promise<unknown>>;
} {
  const invoke = async (lambda: string, event: unknown) => {
    const handler = handlers[lambda];
    if (!handler) throw new Error(`no local handler for ${lambda}`);
    try {
      return await handler(event, localContext(`burstguard-${lambda}`));
    } catch (error) {
      throw asLambdaError(error);
    }
  };
  const tasks = {} as Record<S, (input: unknown) => Promise<unknown>>;
  for (const [state, lambda] of Object.entries(taskLambda) as [S, string][]) {
    tasks[state] = (input) => invoke(lambda, input);
  }
  return { invoke, tasks };
}

/** The alarms port of a local run that was given none. */
const noAlarms: AlarmsPort = {
  async alarmStates() {
    throw new Error(
      'this local run has no CloudWatch alarms port to read the incident alarms from',
    );
  },
};

/**
 * The Wait states of the definition. Locally they do not wait: the clock,
 * not the wall, says when the next step looks (see LocalPorts).
 */
export const LOCAL_WAIT_MS = { WaitForEffect: 0, QuietPeriod: 0 } as const;

/** A local handler for each Task state of the definition. */
export type LocalTaskHandlers = Record<
  TaskStateName | 'StartRecovery',
  (input: unknown) => Promise<unknown>
>;

/** The real handler of every Task state, wired to the given ports. */
export function localHandlers(
  ports: LocalPorts,
  options: { logger?: (serviceName: string) => Logger } = {},
): LocalTaskHandlers {
  const log = options.logger ?? silentLogger;
  const channel = ports.config.slackChannel;
  const approval = approvalSettings(ports.config);
  const handlers: Record<string, StepHandler<unknown>> = {
    normalize: createNormalizeHandler(
      { config: ports.config, now: () => ports.clock.now() },
      log('normalize'),
    ),
    'open-incident': createOpenIncidentHandler(
      {
        store: ports.store,
        config: ports.config,
        ...(ports.alarms ? { alarms: ports.alarms } : {}),
      },
      log('open-incident'),
    ),
    'resolve-incident': createResolveIncidentHandler(
      {
        alarms: ports.alarms ?? noAlarms,
        store: ports.store,
        clock: ports.clock,
      },
      log('resolve-incident'),
    ),
    'collect-efs': createCollectEfsHandler(
      { efs: ports.efs, metrics: ports.metrics, clock: ports.clock },
      log('collect-efs'),
    ),
    'collect-langfuse': createCollectLangfuseHandler(
      {
        metrics: ports.metrics,
        clock: ports.clock,
        config: ports.config,
        ...(ports.logsInsights ? { logsInsights: ports.logsInsights } : {}),
      },
      log('collect-langfuse'),
    ),
    'collect-clickhouse': createCollectClickHouseHandler(
      { clickhouseFor: ports.clickhouseFor },
      log('collect-clickhouse'),
    ),
    diagnose: createDiagnoseHandler({ config: ports.config }, log('diagnose')),
    notify: createNotifyHandler(
      {
        slack: ports.slack,
        store: ports.store,
        channel,
        clock: ports.clock,
        config: ports.config,
        ...(ports.charts
          ? {
              charts: {
                port: ports.charts,
                langfuseMetricNamespace: ports.config.langfuseMetricNamespace,
              },
            }
          : {}),
        approval,
        ...(ports.pager ? { pager: ports.pager } : {}),
      },
      log('notify'),
    ),
    'request-approval': createRequestApprovalHandler(
      {
        clock: ports.clock,
        slack: ports.slack,
        store: ports.store,
        channel,
        config: ports.config,
        approval,
      },
      log('request-approval'),
    ),
    remediate: createRemediateHandler(
      {
        efs: ports.efs,
        store: ports.store,
        clock: ports.clock,
        config: ports.config,
      },
      log('remediate'),
    ),
    verify: createVerifyHandler(
      {
        efs: ports.efs,
        metrics: ports.metrics,
        clock: ports.clock,
        config: ports.config,
      },
      log('verify'),
    ),
  };
  const { invoke, tasks } = localTasks(handlers, TASK_LAMBDA);
  const out = tasks as LocalTaskHandlers;
  // StartRecovery is the states:startExecution integration: its input is
  // {StateMachineArn, Input}, its answer {ExecutionArn, StartDate}.
  out.StartRecovery = async (input) => {
    const { Input } = input as { Input: RecoveryInput };
    if (!ports.startRecovery) {
      const error = new Error(
        'this local run has no recovery state machine to start',
      );
      error.name = 'StepFunctions.StateMachineDoesNotExistException';
      throw error;
    }
    const started = await ports.startRecovery(Input);
    return {
      ExecutionArn: started.executionArn,
      StartDate: ports.clock.now().toISOString(),
    };
  };
  // RequestApproval runs through lambda:invoke.waitForTaskToken: its input
  // is {FunctionName, Payload}. The handler posts the card; the execution
  // then resumes with what the approver answers (SendTaskSuccess).
  // Each round is one such task; a round no approver answers ends as AWS
  // ends it, with States.Timeout, and the state machine's Catch opens the
  // next round (the local runner has no HeartbeatSeconds, nor needs one).
  out.RequestApproval = async (input) => {
    const payload = (input as { Payload: { state: AwaitingApproval } }).Payload;
    await invoke('request-approval', payload);
    const timeout = new Error('no approver answered');
    timeout.name = 'States.Timeout';
    // The card stays open (its token stored) while the person decides, as
    // in AWS; the click takes the token (slack-interactions).
    if (!ports.approver) throw timeout;
    const answer = await ports.approver(payload.state);
    if (answer === undefined) throw timeout;
    const token = await ports.store.takeApprovalToken({
      fileSystemId: payload.state.trigger.fileSystemId,
      incidentId: payload.state.incident.incidentId,
    });
    if (token === undefined) throw timeout;
    return answer;
  };
  return out;
}

/** Runs one execution of the real definition locally. */
export async function runLocal(
  input: unknown,
  ports: LocalPorts,
  options: {
    onEvent?: (event: RunEvent) => void;
    logger?: (serviceName: string) => Logger;
    /** Milliseconds each Wait state really waits (default: none). */
    waitMs?: Partial<Record<keyof typeof LOCAL_WAIT_MS, number>>;
    /**
     * Replaces Task handlers, for tests that make a step fail the way its
     * Lambda would (throw, time out, be throttled).
     */
    wrapHandlers?: (handlers: LocalTaskHandlers) => LocalTaskHandlers;
  } = {},
): Promise<RunResult> {
  const machine = new StateMachine(
    buildDefinition(placeholderArns(), undefined, {
      approvalRoundSeconds: approvalSettings(ports.config).roundSeconds,
    }) as never,
    {
      validationOptions: { checkArn: true, checkPaths: true },
    },
  );
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: (options.wrapHandlers ?? ((h) => h))(
        localHandlers(ports, options),
      ) as never,
      // Lambda service errors never happen locally; no waiting on retries.
      retryIntervalOverrides: Object.fromEntries(
        Object.keys(TASK_LAMBDA).map((state) => [state, 0]),
      ),
      // The clock, not the wall, says when Verify and ResolveIncident look.
      waitTimeOverrides: { ...LOCAL_WAIT_MS, ...options.waitMs },
    },
    context: {
      Task: { Token: LOCAL_TASK_TOKEN },
      Execution: localExecution(ports.config.region),
    },
  });
  let transitions = 0;
  const pump = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as {
        type: string;
        state?: { name: string; type: string };
        Error?: string;
        Cause?: unknown;
      };
      if (e.type === 'StateEntered' && e.state) {
        transitions++;
        options.onEvent?.({
          type: 'entered',
          state: e.state.name,
          stateType: e.state.type,
        });
      } else if (e.type === 'StateExited' && e.state) {
        options.onEvent?.({
          type: 'exited',
          state: e.state.name,
          stateType: e.state.type,
          output: (e.state as { output?: unknown }).output,
        });
      } else if (e.type === 'StateFailed' && e.state) {
        options.onEvent?.({
          type: 'failed',
          state: e.state.name,
          error: e.Error ?? 'Error',
          cause: typeof e.Cause === 'string' ? e.Cause : undefined,
        });
      } else if (e.type === 'StateCaught' && e.state) {
        options.onEvent?.({ type: 'caught', state: e.state.name });
      }
    }
  })();
  try {
    const output = (await execution.result) as Record<string, unknown>;
    await pump;
    return { status: 'SUCCEEDED', output, transitions };
  } catch (error) {
    await pump.catch(() => undefined);
    // The failing state's error: a Fail state's Error and Cause, or the
    // Lambda error (errorType and its JSON cause).
    const cause = (error as { cause?: { name?: string; message?: string } })
      .cause;
    const name = cause?.name ?? 'ExecutionError';
    const failCause = cause?.message ?? '';
    return {
      status: 'FAILED',
      error: name,
      cause: failCause,
      message: causeMessage(failCause),
      transitions,
    };
  }
}

/**
 * The context object's Execution of a local run: its name, and an ARN shaped
 * like a deployed one (`arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME`)
 * in a placeholder account, so `$$.Execution.Id` reads as it does on AWS.
 */
export function localExecution(
  region: string,
  machine = 'burstguard-local',
): { Name: string; Id: string } {
  const name = `local-${crypto.randomUUID()}`;
  return {
    Name: name,
    Id: `arn:${partitionOf(region)}:states:${region}:000000000000:execution:${machine}:${name}`,
  };
}
