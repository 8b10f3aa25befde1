/**
 * The burstguard state machine, JSONPath ASL built in TypeScript. One source
 * for what is deployed (infra/state-machine.ts) and what the local runner
 * executes (local/state-machine-runner.ts).
 *
 * Every Choice compares one field a core function computed; decisions live in
 * tested TypeScript, not in ASL expressions.
 */

import { partitionOfRegion } from '../shared/domain/aws-partition.ts';
import type { Source } from '../shared/domain/contracts.ts';
import {
  CATCH_ALL_ERRORS,
  FileSystemNotFoundError,
  LAMBDA_SERVICE_ERRORS,
  TRIGGER_ERRORS,
} from '../shared/domain/errors.ts';
import {
  DEFAULT_APPROVAL_ROUND_SECONDS,
  VERIFY_AFTER_SECONDS,
} from '../shared/domain/messages/progress.ts';
import { APPROVAL_TIMEOUT_SECONDS } from '../shared/domain/slack/interaction.ts';

export { partitionOfRegion };
/** The Lambda functions of the workflow, by their folder under functions/. */
export const LAMBDAS = [
  'normalize',
  'open-incident',
  'resolve-incident',
  'collect-efs',
  'collect-langfuse',
  'collect-clickhouse',
  'diagnose',
  'notify',
  'request-approval',
  'remediate',
  'verify',
] as const;
export type LambdaName = (typeof LAMBDAS)[number];

/**
 * Functions outside the state machine: the Slack interactions endpoint and
 * the scheduled preflight.
 */
export const ENTRY_FUNCTIONS = [
  'slack-interactions',
  'preflight',
  'advisor',
] as const;
export type LambdaArns = Record<LambdaName, string>;

/** Which Lambda each Task state runs. */
export const TASK_LAMBDA = {
  Normalize: 'normalize',
  OpenIncident: 'open-incident',
  ResolveIncident: 'resolve-incident',
  CollectEfs: 'collect-efs',
  CollectLangfuse: 'collect-langfuse',
  CollectClickHouse: 'collect-clickhouse',
  Diagnose: 'diagnose',
  Notify: 'notify',
  RequestApproval: 'request-approval',
  Remediate: 'remediate',
  Verify: 'verify',
  EscalateApproval: 'notify',
  NotifySwitching: 'notify',
  NotifyOutcome: 'notify',
  NotifyResolved: 'notify',
  NotifyFailure: 'notify',
  NotifyJoined: 'notify',
  NotifyCheckFailed: 'notify',
  Done: 'resolve-incident',
  EndFailedRun: 'resolve-incident',
} as const satisfies Record<string, LambdaName>;
export type TaskStateName = keyof typeof TASK_LAMBDA;

/** Seconds a Task may run; each Lambda's own timeout is shorter. */
export const TASK_TIMEOUT_SECONDS = {
  default: 30,
  /**
   * A person has this long to press Approve in Slack, in rounds of
   * `approvalRoundSeconds` (buildDefinition's option): each round that
   * runs out reminds the approvers, the last says the request expired.
   */
  approval: APPROVAL_TIMEOUT_SECONDS,
} as const;

/** How long after a switch Verify looks again: long enough for metrics. */
export { VERIFY_AFTER_SECONDS };

/** The partition an ARN names: `arn:<partition>:service:...`. */
export function partitionOfArn(arn: string): string {
  const [prefix, partition] = arn.split(':');
  if (prefix !== 'arn' || !partition) {
    throw new Error(`not an ARN: ${arn}`);
  }
  return partition;
}

/**
 * Placeholder ARNs, for `burstguard definition` and Workflow Studio, in the
 * region's partition unless one is given.
 */
export function placeholderArns(
  region = 'us-east-1',
  account = '123456789012',
  partition = partitionOfRegion(region),
): LambdaArns {
  const arns = {} as LambdaArns;
  for (const name of LAMBDAS) {
    arns[name] =
      `arn:${partition}:lambda:${region}:${account}:function:burstguard-${name}`;
  }
  return arns;
}

/**
 * The recovery state machine beside a runbook whose Lambdas are `arn`'s:
 * `burstguard-recovery` in their region and account.
 */
export function placeholderRecoveryStateMachineArn(
  lambdaArn: string,
  partition: string = partitionOfArn(lambdaArn),
): string {
  const [, , , region, account] = lambdaArn.split(':');
  return `arn:${partition}:states:${region}:${account}:stateMachine:burstguard-recovery`;
}

/**
 * The service integration that invokes a Lambda and waits for its task
 * token (Step Functions developer guide, "Wait for a Callback with Task
 * Token"): `arn:<partition>:states:::lambda:invoke.waitForTaskToken`.
 */
export function lambdaInvokeWaitForTaskToken(partition: string): string {
  return `arn:${partition}:states:::lambda:invoke.waitForTaskToken`;
}

/** One state of a definition, as JSON. */
export type State = Record<string, unknown>;

/** Retries the Lambda service's own transient errors (never the function's). */
export const retryLambdaService = [
  {
    ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];

/**
 * A Lambda Task. A ResultPath of '$' is left out rather than written: it is
 * the default, and aws-local-stepfunctions mishandles an explicit '$'.
 */
export function task(
  arn: string,
  resultPath: string | null,
  next: string,
  extra: State = {},
): State {
  return {
    Type: 'Task',
    Resource: arn,
    TimeoutSeconds: TASK_TIMEOUT_SECONDS.default,
    Retry: retryLambdaService,
    ...(resultPath === '$' ? {} : { ResultPath: resultPath }),
    Next: next,
    ...extra,
  };
}

/**
 * The Catch of a Task that tells the thread when it fails: the error object
 * goes to `$.failure`, then `<state>Failed` names the state and
 * NotifyFailure says what is known (a change made or claimed included).
 */
function toldCatch(stateName: string): State[] {
  return catchAll('$.failure', `${stateName}Failed`);
}

/** Every error caught, kept at `resultPath`, and the run goes on at `next`. */
export function catchAll(resultPath: string, next: string): State[] {
  return CATCH_ALL_ERRORS.map((errors) => ({
    ErrorEquals: [...errors],
    ResultPath: resultPath,
    Next: next,
  }));
}

/**
 * The Pass state between a caught Task (or Gather) and the failure path:
 * EndFailedRun, then NotifyFailure.
 */
function failedState(stateName: string): State {
  return {
    Type: 'Pass',
    Result: stateName,
    ResultPath: '$.failedState',
    Next: 'EndFailedRun',
  };
}

/** Tasks whose failure NotifyFailure tells the thread about. */
export const TOLD_TASKS = [
  'Normalize',
  'OpenIncident',
  'NotifyJoined',
  'NotifyCheckFailed',
  'Diagnose',
  'Notify',
  'Remediate',
  'NotifySwitching',
  'NotifyOutcome',
  'NotifyResolved',
  'Done',
] as const satisfies readonly TaskStateName[];

/**
 * One Gather branch: the collector, and a Catch that turns its failure into
 * "unavailable" evidence so one failing source never fails the run.
 */
function gatherBranch(
  stateName: TaskStateName,
  arn: string,
  source: Source,
  fatal: readonly string[] = [],
): State {
  const caughtName = `${stateName}Failed`;
  const fatalName = `${stateName}Rejected`;
  return {
    StartAt: stateName,
    States: {
      [stateName]: {
        Type: 'Task',
        Resource: arn,
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.default,
        Retry: retryLambdaService,
        Catch: [
          // An answer that ends the run (the file system does not exist)
          // is not an unavailable source.
          ...(fatal.length
            ? [{ ErrorEquals: [...fatal], Next: fatalName }]
            : []),
          {
            ErrorEquals: ['States.ALL'],
            ResultPath: '$.caught',
            Next: caughtName,
          },
        ],
        End: true,
      },
      [caughtName]: {
        Type: 'Pass',
        Parameters: { source, 'caught.$': '$.caught' },
        End: true,
      },
      ...(fatal.length
        ? {
            [fatalName]: {
              Type: 'Fail',
              ErrorPath: '$.Error',
              CausePath: '$.Cause',
            },
          }
        : {}),
    },
  };
}

/**
 * Builds the ASL definition for the given Lambda ARNs. The service
 * integrations use `partition`, by default the Lambda ARNs' own; a
 * partition that differs from theirs is refused, since one state machine
 * cannot reach across partitions.
 */
export function buildDefinition(
  arns: LambdaArns,
  partition: string = partitionOfArn(arns.normalize),
  options: {
    /**
     * How long each round of an approval request waits before the
     * approvers are reminded (the configuration's
     * `approvalEscalationMinutes`, in seconds).
     */
    approvalRoundSeconds?: number;
    /**
     * The recovery state machine a switch that worked starts (by default
     * `burstguard-recovery` in the Lambdas' region and account).
     */
    recoveryStateMachineArn?: string;
  } = {},
): {
  Comment: string;
  StartAt: string;
  States: Record<string, State>;
} {
  for (const arn of Object.values(arns)) {
    if (partitionOfArn(arn) !== partition) {
      throw new Error(`${arn} is not in the ${partition} partition`);
    }
  }
  const arnOf = (state: TaskStateName) => arns[TASK_LAMBDA[state]];
  const recoveryArn =
    options.recoveryStateMachineArn ??
    placeholderRecoveryStateMachineArn(arns.normalize, partition);
  if (partitionOfArn(recoveryArn) !== partition) {
    throw new Error(`${recoveryArn} is not in the ${partition} partition`);
  }
  const approvalRoundSeconds =
    options.approvalRoundSeconds ?? DEFAULT_APPROVAL_ROUND_SECONDS;
  if (
    !Number.isInteger(approvalRoundSeconds) ||
    approvalRoundSeconds < 1 ||
    approvalRoundSeconds > TASK_TIMEOUT_SECONDS.approval
  ) {
    throw new RangeError(
      `approvalRoundSeconds must be a whole number from 1 to ${TASK_TIMEOUT_SECONDS.approval}, not ${approvalRoundSeconds}`,
    );
  }
  return {
    Comment:
      'burstguard: EFS throughput starvation runbook for Langfuse on ClickHouse',
    StartAt: 'Normalize',
    States: {
      Normalize: task(arnOf('Normalize'), '$', 'OpenIncident', {
        // Only the normalized trigger travels on; the raw event stays in the
        // execution's input for anyone who wants it. The execution's ARN
        // (the context object's `$$.Execution.Id`, which a ResultSelector
        // may read: AWS Step Functions developer guide, "Accessing execution
        // data from the Context object") rides along for the messages'
        // console link.
        ResultSelector: {
          'trigger.$': '$',
          'executionArn.$': '$$.Execution.Id',
        },
        Catch: [
          {
            // ResultPath '$' (the default): the error object replaces the
            // trigger, which may not even be an object.
            ErrorEquals: [...TRIGGER_ERRORS],
            Next: 'RejectTrigger',
          },
          ...toldCatch('Normalize'),
        ],
      }),
      RejectTrigger: {
        Type: 'Fail',
        ErrorPath: '$.Error',
        CausePath: '$.Cause',
      },
      OpenIncident: task(arnOf('OpenIncident'), '$.incident', 'Route', {
        // The execution name makes the incident id unique per run, so a
        // retried OpenIncident recognises its own incident.
        Parameters: {
          'trigger.$': '$.trigger',
          'executionName.$': '$$.Execution.Name',
        },
        Catch: toldCatch('OpenIncident'),
      }),
      Route: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.incident.next',
            StringEquals: 'diagnose',
            Next: 'Gather',
          },
          {
            Variable: '$.incident.next',
            StringEquals: 'quiet-check',
            Next: 'QuietPeriod',
          },
          {
            Variable: '$.incident.next',
            StringEquals: 'joined',
            Next: 'NotifyJoined',
          },
        ],
        Default: 'AlreadyHandled',
      },
      NotifyJoined: task(
        arnOf('NotifyJoined'),
        '$.notification',
        'AlreadyHandled',
        {
          // One line in the incident's thread: what joined; the diagnosis
          // above stands.
          Parameters: { kind: 'joined', 'state.$': '$' },
          Catch: toldCatch('NotifyJoined'),
        },
      ),
      AlreadyHandled: {
        Type: 'Succeed',
        Comment:
          'joined an open incident, an OK with nothing to resolve, or an alarm still not OK after the quiet period',
      },
      QuietPeriod: {
        Type: 'Wait',
        Comment:
          'every joined alarm must stay OK this long (OpenIncident computed the seconds from the configuration)',
        SecondsPath: '$.incident.quietSeconds',
        Next: 'ResolveIncident',
      },
      ResolveIncident: task(arnOf('ResolveIncident'), '$.incident', 'Settled', {
        // Alarms that cannot be read leave the incident open: say so in its
        // thread; the hourly preflight checks it again.
        Catch: catchAll('$.resolveError', 'NotifyCheckFailed'),
      }),
      NotifyCheckFailed: task(
        arnOf('NotifyCheckFailed'),
        '$.notification',
        'AlreadyHandled',
        {
          Parameters: { kind: 'check-failed', 'state.$': '$' },
          Catch: toldCatch('NotifyCheckFailed'),
        },
      ),
      Settled: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.incident.next',
            StringEquals: 'resolved',
            Next: 'NotifyResolved',
          },
        ],
        Default: 'AlreadyHandled',
      },
      Gather: {
        Type: 'Parallel',
        Branches: [
          gatherBranch('CollectEfs', arnOf('CollectEfs'), 'efs', [
            FileSystemNotFoundError.errorName,
          ]),
          gatherBranch('CollectLangfuse', arnOf('CollectLangfuse'), 'langfuse'),
          gatherBranch(
            'CollectClickHouse',
            arnOf('CollectClickHouse'),
            'clickhouse',
          ),
        ],
        ResultPath: '$.gathered',
        Next: 'Diagnose',
        // A branch that ends the run (the file system does not exist) fails
        // the Parallel with its error (Step Functions developer guide,
        // "Parallel state": any branch failing fails the whole state): the
        // thread hears of it like any failed step.
        Catch: toldCatch('Gather'),
      },
      Diagnose: task(arnOf('Diagnose'), '$.result', 'Notify', {
        Catch: toldCatch('Diagnose'),
      }),
      Notify: task(arnOf('Notify'), '$.notification', 'Decide', {
        Parameters: { kind: 'finding', 'state.$': '$' },
        Catch: toldCatch('Notify'),
      }),
      Decide: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.result.decision.next',
            StringEquals: 'request-approval',
            Next: 'RequestApproval',
          },
          {
            Variable: '$.result.decision.next',
            StringEquals: 'remediate',
            Next: 'Remediate',
          },
        ],
        Default: 'Done',
      },
      RequestApproval: {
        Type: 'Task',
        Resource: lambdaInvokeWaitForTaskToken(partition),
        Parameters: {
          FunctionName: arnOf('RequestApproval'),
          Payload: { 'taskToken.$': '$$.Task.Token', 'state.$': '$' },
        },
        // One round. Step Functions fails a task that outlives its
        // TimeoutSeconds with States.Timeout (developer guide, "Task
        // state"): the approvers are reminded and a new round begins.
        TimeoutSeconds: approvalRoundSeconds,
        Retry: retryLambdaService,
        Catch: [
          {
            ErrorEquals: ['States.Timeout'],
            ResultPath: '$.approvalTimeout',
            Next: 'EscalateApproval',
          },
          // Any other error is an answer too: Remediate reports it.
          ...catchAll('$.approvalError', 'Remediate'),
        ],
        ResultPath: '$.approval',
        Next: 'Remediate',
      },
      // Reminds the approvers in the thread (and pages), or, after the
      // last round, says the request expired.
      EscalateApproval: task(
        arnOf('EscalateApproval'),
        '$.approvalRound',
        'ApprovalOpen',
        {
          Parameters: { kind: 'escalation', 'state.$': '$' },
          // No reminder is no reason to act: Remediate reports the error
          // as an approval that failed, and the thread hears of it.
          Catch: catchAll('$.approvalError', 'Remediate'),
        },
      ),
      ApprovalOpen: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.approvalRound.next',
            StringEquals: 'wait',
            Next: 'RequestApproval',
          },
        ],
        Default: 'ApprovalExpired',
      },
      // No answer is an answer: the last timeout goes to Remediate, which
      // reports the change as not attempted.
      ApprovalExpired: {
        Type: 'Pass',
        InputPath: '$.approvalTimeout',
        ResultPath: '$.approvalError',
        Next: 'Remediate',
      },
      Remediate: task(arnOf('Remediate'), '$.remediation', 'Applied', {
        Catch: toldCatch('Remediate'),
      }),
      Applied: {
        Type: 'Choice',
        // A change that may have happened is checked like one that did.
        Choices: [
          {
            // Said at once: the thread hears of the switch before the wait.
            Variable: '$.remediation.status',
            StringEquals: 'applied',
            Next: 'NotifySwitching',
          },
          {
            Variable: '$.remediation.status',
            StringEquals: 'unknown',
            Next: 'WaitForEffect',
          },
        ],
        Default: 'NotifyOutcome',
      },
      NotifySwitching: task(
        arnOf('NotifySwitching'),
        '$.switchNotification',
        'WaitForEffect',
        {
          Parameters: { kind: 'switching', 'state.$': '$' },
          Catch: toldCatch('NotifySwitching'),
        },
      ),
      WaitForEffect: {
        Type: 'Wait',
        Comment: 'let the new mode show in the metrics before checking',
        Seconds: VERIFY_AFTER_SECONDS,
        Next: 'Verify',
      },
      Verify: task(arnOf('Verify'), '$.verification', 'RecoveryToStart', {
        // A failed check must not hide the outcome: report without it.
        Catch: catchAll('$.verifyError', 'NotifyOutcome'),
      }),
      // Verify computed the recovery a switch that worked starts (none
      // without a recovery configuration).
      RecoveryToStart: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.verification.recovery',
            IsPresent: true,
            Next: 'StartRecovery',
          },
        ],
        Default: 'NotifyOutcome',
      },
      // Starts the recovery state machine and goes on at once (the
      // "Request Response" integration: developer guide, "Start a new
      // AWS Step Functions state machine from a running execution"); the
      // recovery tells the same thread how it goes.
      StartRecovery: {
        Type: 'Task',
        Resource: `arn:${partition}:states:::states:startExecution`,
        Parameters: {
          StateMachineArn: recoveryArn,
          'Input.$': '$.verification.recovery',
        },
        ResultSelector: { 'executionArn.$': '$.ExecutionArn' },
        ResultPath: '$.recoveryStart',
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.default,
        // Not starting is said in the outcome, with the command to start it.
        Catch: catchAll('$.recoveryStartError', 'NotifyOutcome'),
        Next: 'NotifyOutcome',
      },
      NotifyOutcome: task(
        arnOf('NotifyOutcome'),
        '$.outcomeNotification',
        'Done',
        {
          Parameters: { kind: 'outcome', 'state.$': '$' },
          Catch: toldCatch('NotifyOutcome'),
        },
      ),
      NotifyResolved: task(
        arnOf('NotifyResolved'),
        '$.notification',
        'Finished',
        {
          Parameters: { kind: 'resolved', 'state.$': '$' },
          Catch: toldCatch('NotifyResolved'),
        },
      ),
      ...Object.fromEntries(
        [...TOLD_TASKS, 'Gather'].map((name) => [
          `${name}Failed`,
          failedState(name),
        ]),
      ),
      // A failed run ends its incident as Done would (a manual one ends
      // with its run, an alarm's waits for its alarms) before the thread
      // hears of it, so the message says which.
      EndFailedRun: task(arnOf('EndFailedRun'), '$.runEnd', 'NotifyFailure', {
        Parameters: { endFailedRun: true, 'state.$': '$' },
        Catch: catchAll('$.runEndError', 'NotifyFailure'),
      }),
      NotifyFailure: task(
        arnOf('NotifyFailure'),
        '$.failureNotification',
        'Failed',
        {
          Parameters: { kind: 'failure', 'state.$': '$' },
          // Slack being down is already in this step's output; a failure
          // here leaves the error in the execution's own.
          Catch: catchAll('$.failureNotificationError', 'Failed'),
        },
      ),
      Failed: {
        Type: 'Fail',
        Comment:
          'a step failed; NotifyFailure told the thread what is known, including any change made',
        ErrorPath: '$.failure.Error',
        CausePath: '$.failure.Cause',
      },
      // Every run that opened an incident ends here: an incident no alarm
      // joined (a manual run's) has no OK to wait for, so it ends with its
      // run (a conditional write: still no alarm, same id).
      Done: task(arnOf('Done'), '$.closed', 'Finished', {
        Parameters: {
          endOfRun: true,
          'trigger.$': '$.trigger',
          'incident.$': '$.incident',
        },
        // EndFailedRun tries the close once more; left open, the incident
        // is ended later by the next ALARM (idle rule) or the hourly
        // preflight, and the thread hears of the failure.
        Catch: toldCatch('Done'),
      }),
      Finished: { Type: 'Succeed' },
    },
  };
}
