/**
 * The recovery state machine: replays, through Langfuse's
 * `POST /api/admin/ingestion-replay`, the events Langfuse stored in its S3
 * events bucket during an incident window, so the records it dropped reach
 * ClickHouse after all. JSONPath ASL built in TypeScript, one source for
 * what is deployed and what the local runner executes.
 *
 * Shape: PlanRecovery -> CountBefore -> for each prefix a Distributed Map
 * (`ReplayPrefix`) run first as a counting dry run -> the offer -> the same
 * loop for real -> CountAfter -> FinishRecovery.
 *
 * The Distributed Map follows the AWS Step Functions developer guide:
 * - "Using Map state in Distributed mode" (state-map-distributed): fields,
 *   Label, MaxConcurrency, ToleratedFailurePercentage, and that a Retry on
 *   the Map state starts a new Map Run (so retries live in the child);
 * - "ItemReader (Map)" (input-output-itemreader): `s3:listObjectsV2` with
 *   Parameters {Bucket, Prefix}; each item is the object's metadata
 *   {Etag, Key, LastModified (epoch seconds), Size, StorageClass};
 * - "ItemSelector (Map)" (input-output-itemselector): `$$.Map.Item.Value`;
 * - "ItemBatcher (Map)" (input-output-itembatcher): each child receives
 *   {Items: [...], BatchInput: {...}};
 * - "ResultWriter (Map)" (input-output-resultwriter): the state's output
 *   becomes {MapRunArn, ResultWriterDetails: {Bucket, Key}};
 * - "Redriving Map Runs" (redrive-map-run): a redrive re-runs only the
 *   unsuccessful child executions.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */

import {
  LangfuseRateLimitedError,
  LangfuseRejectedError,
  LangfuseUnavailableError,
} from '../shared/domain/errors.ts';
import { REPLAY_MAX_KEYS_PER_REQUEST } from '../shared/domain/recovery/contract.ts';
import { APPROVAL_TIMEOUT_SECONDS } from '../shared/domain/slack/interaction.ts';
import {
  catchAll,
  lambdaInvokeWaitForTaskToken,
  partitionOfArn,
  partitionOfRegion,
  retryLambdaService,
  type State,
  task,
} from './definition.ts';

/** The Lambda functions of the recovery machine, by folder under functions/. */
export const RECOVERY_LAMBDAS = [
  'plan-recovery',
  'collect-clickhouse',
  'offer-recovery',
  'replay-batch',
  'record-recovery-progress',
  'finish-recovery',
] as const;
export type RecoveryLambdaName = (typeof RECOVERY_LAMBDAS)[number];
export type RecoveryLambdaArns = Record<RecoveryLambdaName, string>;

/**
 * Which Lambda each Task state runs, the child workflow's included
 * (ReplayBatch, RecordProgress).
 */
export const RECOVERY_TASK_LAMBDA = {
  PlanRecovery: 'plan-recovery',
  CountBefore: 'collect-clickhouse',
  OfferApproval: 'offer-recovery',
  OfferByPolicy: 'offer-recovery',
  ReplayBatch: 'replay-batch',
  RecordProgress: 'record-recovery-progress',
  CountAfter: 'collect-clickhouse',
  FinishRecovery: 'finish-recovery',
} as const satisfies Record<string, RecoveryLambdaName>;
export type RecoveryTaskStateName = keyof typeof RECOVERY_TASK_LAMBDA;

/** The Distributed Map states (the local runner swaps each for its engine). */
export const DISTRIBUTED_MAP_STATES = ['ReplayPrefix'] as const;

/**
 * The errors replay-batch raises for Langfuse's answers: 429 (retried with
 * backoff and jitter), 5xx (retried a few times), 400/401 (never retried).
 * Each must equal the `errorName` of the error class the function throws.
 */
export const LANGFUSE_ERRORS = {
  rateLimited: LangfuseRateLimitedError.errorName,
  unavailable: LangfuseUnavailableError.errorName,
  rejected: LangfuseRejectedError.errorName,
} as const;

/**
 * The ReplayBatch retriers. Worst case before a batch gives up: 429 waits
 * at most 2+4+8+16+32+64 = 126 s, 5xx at most 5+10+20 = 35 s (FULL jitter
 * draws each wait from 0 to that bound: developer guide, "Handling errors",
 * JitterStrategy).
 */
export const REPLAY_RETRY = [
  {
    ErrorEquals: [LANGFUSE_ERRORS.rateLimited],
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: 6,
    JitterStrategy: 'FULL',
  },
  {
    ErrorEquals: [LANGFUSE_ERRORS.unavailable],
    IntervalSeconds: 5,
    BackoffRate: 2,
    MaxAttempts: 3,
    JitterStrategy: 'FULL',
  },
  ...retryLambdaService,
] as const;

/** Seconds one ReplayBatch attempt may take (its Lambda times out sooner). */
export const REPLAY_BATCH_TIMEOUT_SECONDS = 60;

/**
 * Child executions run as STANDARD workflows, not EXPRESS:
 * - an Express execution ends after 5 minutes, and one batch may spend
 *   126 s waiting on 429s plus 35 s on 5xx plus ten attempts of up to
 *   REPLAY_BATCH_TIMEOUT_SECONDS: a batch killed by that limit is a failed
 *   batch for no reason of its own;
 * - Standard runs each state exactly once; Express is at-least-once, and
 *   RecordProgress adds counters, which a repeated child would double;
 * - a redriven Standard child resumes at the state that failed, so a batch
 *   Langfuse accepted whose RecordProgress failed is not replayed again;
 *   an Express child restarts from its first state (redrive-map-run,
 *   "Child workflow execution redrive behavior").
 * The price difference at 500 keys a batch is small (docs/recovery.md).
 */
export const CHILD_EXECUTION_TYPE = 'STANDARD';

/** Where ResultWriter puts each Map Run's results in burstguard's bucket. */
export const RECOVERY_RESULTS_PREFIX = 'recoveries';

/** The Distributed Map's settings; the guide's defaults otherwise. */
export type RecoveryDefinitionOptions = {
  /** burstguard's own bucket: ResultWriter writes there, never elsewhere. */
  resultsBucket: string;
  /** Keys per child execution (ItemBatcher MaxItemsPerBatch), 1 to 1,000. */
  batchSize?: number;
  /** Child executions in flight (MaxConcurrency), at least 1. */
  maxConcurrency?: number;
  /** How long the offer waits for Approve before it expires. */
  offerTimeoutSeconds?: number;
};

/** The execution-status rule that tells the thread of an uncaught failure. */
export const RECOVERY_FAILURE_NOTICE = {
  source: ['aws.states'],
  'detail-type': ['Step Functions Execution Status Change'],
  detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
} as const;

/** The prefix loop's two passes: count (dry run), then replay. */
function passStates(phase: 'count' | 'replay', next: string): State {
  const title = phase === 'count' ? 'Count' : 'Replay';
  return {
    [`${title}Phase`]: {
      Type: 'Pass',
      Result: phase,
      ResultPath: '$.phase',
      Next: `${title}Cursor`,
    },
    [`${title}Cursor`]: {
      Type: 'Pass',
      Parameters: {
        index: 0,
        'count.$': 'States.ArrayLength($.plan.prefixes)',
        dryRun: phase === 'count',
      },
      ResultPath: '$.cursor',
      Next: next,
    },
  };
}

/** A ClickHouse count that never fails the run: its error is the answer. */
function countState(
  arn: string,
  name: string,
  resultPath: string,
  next: string,
): State {
  const unavailable = `${name}Unavailable`;
  return {
    [name]: task(arn, resultPath, next, {
      Parameters: {
        kind: 'count-records',
        'fileSystemId.$': '$.plan.fileSystemId',
        'window.$': '$.plan.window',
      },
      Catch: catchAll(resultPath, unavailable),
    }),
    [unavailable]: {
      Type: 'Pass',
      Parameters: { 'error.$': `${resultPath}.Error` },
      ResultPath: resultPath,
      Next: next,
    },
  };
}

/**
 * Builds the recovery state machine for the given Lambda ARNs. Service
 * integrations use `partition` (by default the ARNs' own).
 */
export function buildRecoveryDefinition(
  arns: RecoveryLambdaArns,
  partition: string = partitionOfArn(arns['plan-recovery']),
  options: RecoveryDefinitionOptions,
): { Comment: string; StartAt: string; States: Record<string, State> } {
  for (const arn of Object.values(arns)) {
    if (partitionOfArn(arn) !== partition) {
      throw new Error(`${arn} is not in the ${partition} partition`);
    }
  }
  const batchSize = options.batchSize ?? 500;
  if (
    !Number.isInteger(batchSize) ||
    batchSize < 1 ||
    batchSize > REPLAY_MAX_KEYS_PER_REQUEST
  ) {
    throw new RangeError(
      `batchSize must be a whole number from 1 to ${REPLAY_MAX_KEYS_PER_REQUEST} (the most keys ingestion-replay takes), not ${batchSize}`,
    );
  }
  const maxConcurrency = options.maxConcurrency ?? 4;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new RangeError(
      `maxConcurrency must be a whole number of at least 1, not ${maxConcurrency}`,
    );
  }
  if (!options.resultsBucket) {
    throw new Error('resultsBucket (burstguard’s own bucket) is required');
  }
  const offerTimeoutSeconds =
    options.offerTimeoutSeconds ?? APPROVAL_TIMEOUT_SECONDS;
  const arnOf = (state: RecoveryTaskStateName) =>
    arns[RECOVERY_TASK_LAMBDA[state]];
  const replayPrefix: State = {
    Type: 'Map',
    Label: 'ReplayPrefix',
    ItemReader: {
      Resource: `arn:${partition}:states:::s3:listObjectsV2`,
      Parameters: {
        'Bucket.$': '$.plan.bucket',
        'Prefix.$': '$.current.prefix',
      },
    },
    // Only what ReplayBatch reads: keeps a batch of 1,000 well under the
    // 256 KiB input of a child execution.
    ItemSelector: {
      'Key.$': '$$.Map.Item.Value.Key',
      'LastModified.$': '$$.Map.Item.Value.LastModified',
    },
    ItemBatcher: {
      MaxItemsPerBatch: batchSize,
      BatchInput: {
        'runId.$': '$.plan.runId',
        'fileSystemId.$': '$.plan.fileSystemId',
        'window.$': '$.plan.window',
        'dryRun.$': '$.cursor.dryRun',
        'eventsPrefix.$': '$.plan.eventsPrefix',
        'kind.$': '$.current.kind',
        'prefix.$': '$.current.prefix',
        'phase.$': '$.phase',
      },
    },
    MaxConcurrency: maxConcurrency,
    // One failed batch fails the Map Run: the run stops, and a redrive
    // re-runs only the batches that did not succeed.
    ToleratedFailurePercentage: 0,
    ItemProcessor: {
      ProcessorConfig: {
        Mode: 'DISTRIBUTED',
        ExecutionType: CHILD_EXECUTION_TYPE,
      },
      StartAt: 'ReplayBatch',
      States: {
        // No Catch: a batch that gives up fails its child at this state,
        // which is where a redrive resumes it.
        ReplayBatch: {
          Type: 'Task',
          Resource: arnOf('ReplayBatch'),
          TimeoutSeconds: REPLAY_BATCH_TIMEOUT_SECONDS,
          Retry: REPLAY_RETRY,
          ResultPath: '$.result',
          Next: 'RecordProgress',
        },
        RecordProgress: {
          Type: 'Task',
          Resource: arnOf('RecordProgress'),
          Parameters: {
            'result.$': '$.result',
            batch: {
              'runId.$': '$.BatchInput.runId',
              'fileSystemId.$': '$.BatchInput.fileSystemId',
              'phase.$': '$.BatchInput.phase',
              'prefix.$': '$.BatchInput.prefix',
            },
          },
          TimeoutSeconds: 30,
          Retry: retryLambdaService,
          ResultPath: '$.progress',
          // The child's output (written by ResultWriter) is the batch's
          // result, not its thousand keys.
          OutputPath: '$.result',
          End: true,
        },
      },
    },
    ResultWriter: {
      Resource: `arn:${partition}:states:::s3:putObject`,
      Parameters: {
        Bucket: options.resultsBucket,
        Prefix: RECOVERY_RESULTS_PREFIX,
      },
    },
    ResultPath: '$.mapRun',
    Next: 'AdvanceCursor',
    // No Catch, on purpose: a caught error counts as the state having
    // succeeded, and a redrive resumes at the unsuccessful state (a Fail
    // state "reenters the Fail state and fails again": developer guide,
    // "Restarting state machine executions with redrive"). Uncaught, the
    // execution fails here and RedriveExecution re-runs only the failed
    // batches. The thread hears of it from the execution-status rule
    // (RECOVERY_FAILURE_NOTICE).
  };

  return {
    Comment:
      'burstguard recovery: replay the incident window of Langfuse events from S3 through ingestion-replay',
    StartAt: 'PlanRecovery',
    States: {
      PlanRecovery: task(arnOf('PlanRecovery'), '$.plan', 'Configured', {
        Parameters: { 'input.$': '$', 'executionId.$': '$$.Execution.Id' },
        Catch: catchAll('$.error', 'Unplanned'),
      }),
      // No plan, so no run id in the state: FinishRecovery gets the
      // execution's, to name the run in the thread.
      Unplanned: {
        Type: 'Pass',
        Parameters: { 'id.$': '$$.Execution.Id' },
        ResultPath: '$.execution',
        Next: 'FinishRecovery',
      },
      Configured: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.plan.status',
            StringEquals: 'ready',
            Next: 'CountBefore',
          },
        ],
        Default: 'FinishRecovery',
      },
      ...countState(
        arnOf('CountBefore'),
        'CountBefore',
        '$.before',
        'CountPhase',
      ),
      ...passStates('count', 'NextPrefix'),
      NextPrefix: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.cursor.index',
            NumericLessThanPath: '$.cursor.count',
            Next: 'PickPrefix',
          },
        ],
        Default: 'PassDone',
      },
      PickPrefix: {
        Type: 'Pass',
        Parameters: {
          'entry.$': 'States.ArrayGetItem($.plan.prefixes, $.cursor.index)',
        },
        ResultPath: '$.pick',
        Next: 'CurrentPrefix',
      },
      CurrentPrefix: {
        Type: 'Pass',
        InputPath: '$.pick.entry',
        ResultPath: '$.current',
        Next: 'ReplayPrefix',
      },
      ReplayPrefix: replayPrefix,
      AdvanceCursor: {
        Type: 'Pass',
        Parameters: {
          'index.$': 'States.MathAdd($.cursor.index, 1)',
          'count.$': '$.cursor.count',
          'dryRun.$': '$.cursor.dryRun',
        },
        ResultPath: '$.cursor',
        Next: 'NextPrefix',
      },
      PassDone: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.phase', StringEquals: 'count', Next: 'OfferRoute' },
        ],
        Default: 'CountAfter',
      },
      // Only a person answers under `approve`; otherwise offer-recovery
      // answers by policy at once (auto: on; off or a dry run: stop after
      // counting) and says so in the thread.
      OfferRoute: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.plan.policy', StringEquals: 'approve' },
              { Variable: '$.plan.dryRun', BooleanEquals: false },
            ],
            Next: 'OfferApproval',
          },
        ],
        Default: 'OfferByPolicy',
      },
      OfferApproval: {
        Type: 'Task',
        Resource: lambdaInvokeWaitForTaskToken(partition),
        Parameters: {
          FunctionName: arnOf('OfferApproval'),
          // offer-recovery reads the state's fields and the token side by
          // side; the answer comes back with SendTaskSuccess.
          Payload: {
            'taskToken.$': '$$.Task.Token',
            'plan.$': '$.plan',
            'before.$': '$.before',
            'phase.$': '$.phase',
          },
        },
        TimeoutSeconds: offerTimeoutSeconds,
        Retry: retryLambdaService,
        ResultPath: '$.offer',
        Next: 'Approved',
        Catch: [
          {
            // No answer in time: the offer expired (FinishRecovery reads
            // the States.Timeout error at $.offer).
            ErrorEquals: ['States.Timeout'],
            ResultPath: '$.offer',
            Next: 'FinishRecovery',
          },
          ...catchAll('$.error', 'FinishRecovery'),
        ],
      },
      OfferByPolicy: task(arnOf('OfferByPolicy'), '$.offer', 'Approved', {
        Catch: catchAll('$.error', 'FinishRecovery'),
      }),
      Approved: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.offer.approved',
            BooleanEquals: true,
            Next: 'ReplayPhase',
          },
        ],
        Default: 'FinishRecovery',
      },
      ...passStates('replay', 'NextPrefix'),
      ...countState(
        arnOf('CountAfter'),
        'CountAfter',
        '$.after',
        'FinishRecovery',
      ),
      // The whole state in, the RecoveryReport out; the final edit of the
      // progress message.
      FinishRecovery: task(arnOf('FinishRecovery'), '$.report', 'Ended', {
        Catch: catchAll('$.finishError', 'Ended'),
      }),
      Ended: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.error', IsPresent: true, Next: 'RecoveryFailed' },
          {
            Variable: '$.finishError',
            IsPresent: true,
            Next: 'FinishFailed',
          },
        ],
        Default: 'Recovered',
      },
      RecoveryFailed: {
        Type: 'Fail',
        Comment: 'a step failed; FinishRecovery told the thread',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      },
      FinishFailed: {
        Type: 'Fail',
        Comment:
          'the final message could not be posted; the execution-status rule tells the thread',
        ErrorPath: '$.finishError.Error',
        CausePath: '$.finishError.Cause',
      },
      Recovered: { Type: 'Succeed' },
    },
  };
}

/** Placeholder ARNs for the recovery Lambdas (tests, `definition` output). */
export function placeholderRecoveryArns(
  region = 'us-east-1',
  account = '123456789012',
  partition = partitionOfRegion(region),
): RecoveryLambdaArns {
  const arns = {} as RecoveryLambdaArns;
  for (const name of RECOVERY_LAMBDAS) {
    arns[name] =
      `arn:${partition}:lambda:${region}:${account}:function:burstguard-${name}`;
  }
  return arns;
}
