/**
 * The recovery state machine's structure, read from the definition that is
 * deployed. What each field must be comes from the AWS Step Functions
 * developer guide: state-map-distributed (ProcessorConfig, MaxConcurrency,
 * ToleratedFailurePercentage, Label), input-output-itemreader (the
 * `arn:<partition>:states:::s3:listObjectsV2` resource with Bucket and
 * Prefix), input-output-itembatcher (MaxItemsPerBatch, BatchInput),
 * input-output-itemselector (`$$.Map.Item.Value`), input-output-resultwriter
 * (`s3:putObject` with Bucket and Prefix), concepts-error-handling (Retry
 * with BackoffRate and JitterStrategy), redrive-executions (a caught error
 * cannot be redriven). Langfuse's ingestion-replay takes 1 to 1,000 keys a
 * request (langfuse/langfuse web/src/pages/api/admin/ingestion-replay.ts).
 */
import aslValidator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { resolveTemplate } from '../../local/distributed-map.ts';
import {
  buildRecoveryDefinition,
  CHILD_EXECUTION_TYPE,
  DISTRIBUTED_MAP_STATES,
  LANGFUSE_ERRORS,
  placeholderRecoveryArns,
  RECOVERY_LAMBDAS,
  RECOVERY_TASK_LAMBDA,
} from '../../workflows/recovery.ts';

type State = Record<string, unknown> & { Type: string };
const OWN = 'burstguard-recoveries-123456789012';

function build(partition = 'aws', region = 'us-east-1') {
  return buildRecoveryDefinition(
    placeholderRecoveryArns(region, '123456789012', partition),
    undefined,
    { resultsBucket: OWN, batchSize: 500, maxConcurrency: 4 },
  );
}

const definition = build();
const states = definition.States as Record<string, State>;
const map = states.ReplayPrefix as State;
const child = (map.ItemProcessor as { States: Record<string, State> }).States;

/** Every state a state can go to next (Next, Default, Choices, Catch). */
function successors(state: State): string[] {
  const out: string[] = [];
  if (typeof state.Next === 'string') out.push(state.Next);
  if (typeof state.Default === 'string') out.push(state.Default);
  for (const c of (state.Choices as { Next: string }[]) ?? []) out.push(c.Next);
  for (const c of (state.Catch as { Next: string }[]) ?? []) out.push(c.Next);
  return out;
}

describe('the recovery state machine definition', () => {
  it('passes asl-validator with ARN and path checks, in every partition', () => {
    for (const [partition, region] of [
      ['aws', 'us-east-1'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ] as const) {
      const d = build(partition, region);
      const result = aslValidator(d as never, {
        checkArn: true,
        checkPaths: true,
      });
      expect(result.errorsText?.('\n') ?? '').toBe('');
      expect(result.isValid).toBe(true);
      // aws-local-stepfunctions validates the same way before it runs one.
      expect(
        () =>
          new StateMachine(d as never, {
            validationOptions: { checkArn: true, checkPaths: true },
          }),
      ).not.toThrow();
      expect(
        (d.States.ReplayPrefix as { ItemReader: { Resource: string } })
          .ItemReader.Resource,
      ).toBe(`arn:${partition}:states:::s3:listObjectsV2`);
    }
  });

  it('lists each prefix of the plan with ListObjectsV2', () => {
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor).toMatchObject({
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    });
    expect(CHILD_EXECUTION_TYPE).toBe('STANDARD');
    expect(map.ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      Parameters: {
        'Bucket.$': '$.plan.bucket',
        'Prefix.$': '$.current.prefix',
      },
    });
    expect(map.ItemSelector).toEqual({
      'Key.$': '$$.Map.Item.Value.Key',
      'LastModified.$': '$$.Map.Item.Value.LastModified',
    });
  });

  it('batches at most 1,000 keys, the most ingestion-replay takes', () => {
    const batcher = map.ItemBatcher as {
      MaxItemsPerBatch: number;
      BatchInput: Record<string, string>;
    };
    expect(batcher.MaxItemsPerBatch).toBe(500);
    // What each child receives, read from the Map state's input as the
    // prefix loop leaves it.
    const window = { from: '2026-11-23T02:00:00Z', to: '2026-11-23T04:00:00Z' };
    expect(
      resolveTemplate(
        batcher.BatchInput,
        {
          plan: {
            runId: 'run-1',
            fileSystemId: 'fs-1',
            window,
            eventsPrefix: 'events/',
          },
          phase: 'count',
          cursor: { index: 0, count: 2, dryRun: true },
          current: { prefix: 'events/otel/p1/2026/11/23/03/', kind: 'otel' },
        },
        'BatchInput',
      ),
    ).toEqual({
      runId: 'run-1',
      fileSystemId: 'fs-1',
      window,
      dryRun: true,
      eventsPrefix: 'events/',
      kind: 'otel',
      prefix: 'events/otel/p1/2026/11/23/03/',
      phase: 'count',
    });
    const arns = placeholderRecoveryArns();
    for (const batchSize of [0, 1001, 2.5]) {
      expect(() =>
        buildRecoveryDefinition(arns, 'aws', { resultsBucket: OWN, batchSize }),
      ).toThrow(/batchSize must be a whole number from 1 to 1000/);
    }
    expect(
      (
        buildRecoveryDefinition(arns, 'aws', {
          resultsBucket: OWN,
          batchSize: 1000,
        }).States.ReplayPrefix as { ItemBatcher: { MaxItemsPerBatch: number } }
      ).ItemBatcher.MaxItemsPerBatch,
    ).toBe(1000);
  });

  it('bounds concurrency and fails the run on the first failed batch', () => {
    expect(map.MaxConcurrency).toBe(4);
    expect(map.ToleratedFailurePercentage).toBe(0);
    expect(() =>
      buildRecoveryDefinition(placeholderRecoveryArns(), 'aws', {
        resultsBucket: OWN,
        maxConcurrency: 0,
      }),
    ).toThrow(/maxConcurrency/);
  });

  it('writes Map Run results to burstguard’s own bucket only', () => {
    expect(map.ResultWriter).toEqual({
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: OWN, Prefix: 'recoveries' },
    });
    expect(JSON.stringify(map.ResultWriter)).not.toContain('.$');
    expect(() =>
      buildRecoveryDefinition(placeholderRecoveryArns(), 'aws', {
        resultsBucket: '',
      }),
    ).toThrow(/resultsBucket/);
  });

  it('retries Langfuse’s 429 and 5xx with backoff and full jitter, never a rejection', () => {
    const retry = child.ReplayBatch?.Retry as {
      ErrorEquals: string[];
      IntervalSeconds?: number;
      BackoffRate?: number;
      MaxAttempts?: number;
      JitterStrategy?: string;
    }[];
    const retrierOf = (error: string) =>
      retry.find((r) => r.ErrorEquals.includes(error));
    expect(retrierOf(LANGFUSE_ERRORS.rateLimited)).toEqual({
      ErrorEquals: ['LangfuseRateLimitedError'],
      IntervalSeconds: 2,
      BackoffRate: 2,
      MaxAttempts: 6,
      JitterStrategy: 'FULL',
    });
    expect(retrierOf(LANGFUSE_ERRORS.unavailable)).toEqual({
      ErrorEquals: ['LangfuseUnavailableError'],
      IntervalSeconds: 5,
      BackoffRate: 2,
      MaxAttempts: 3,
      JitterStrategy: 'FULL',
    });
    const retried = retry.flatMap((r) => r.ErrorEquals);
    expect(retried).not.toContain(LANGFUSE_ERRORS.rejected);
    expect(retried).not.toContain('States.ALL');
    // A batch that gives up fails its child at ReplayBatch, where a redrive
    // of the Standard child resumes it.
    expect(child.ReplayBatch?.Catch).toBeUndefined();
    expect(child.ReplayBatch?.Next).toBe('RecordProgress');
    expect(child.RecordProgress?.End).toBe(true);
  });

  it('leaves ReplayPrefix uncaught, so a redrive re-runs its failed batches', () => {
    expect(map.Catch).toBeUndefined();
    expect(map.Retry).toBeUndefined();
    expect(DISTRIBUTED_MAP_STATES).toEqual(['ReplayPrefix']);
  });

  it('brings every other failure to FinishRecovery', () => {
    // From any state, following every transition (Catch included) reaches
    // FinishRecovery, except through ReplayPrefix's own failure (above).
    const reachesFinish = (name: string, seen = new Set<string>()): boolean => {
      if (name === 'FinishRecovery') return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return successors(states[name] as State).some((next) =>
        reachesFinish(next, seen),
      );
    };
    const before = Object.keys(states).filter(
      (n) =>
        ![
          'FinishRecovery',
          'Ended',
          'RecoveryFailed',
          'FinishFailed',
          'Recovered',
        ].includes(n),
    );
    for (const name of before) {
      expect(reachesFinish(name), `${name} reaches FinishRecovery`).toBe(true);
    }
    // Every Task but FinishRecovery catches everything, and its catchers
    // lead to FinishRecovery (directly or through a Pass).
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task' || name === 'FinishRecovery') continue;
      const caught = (state.Catch as { ErrorEquals: string[] }[]).flatMap(
        (c) => c.ErrorEquals,
      );
      expect(caught, name).toContain('States.ALL');
    }
    // FinishRecovery's own failure ends the execution failed.
    expect(successors(states.FinishRecovery as State)).toEqual([
      'Ended',
      'Ended',
      'Ended',
    ]);
    expect(states.Ended).toMatchObject({
      Choices: [
        { Variable: '$.error', IsPresent: true, Next: 'RecoveryFailed' },
        { Variable: '$.finishError', IsPresent: true, Next: 'FinishFailed' },
      ],
      Default: 'Recovered',
    });
  });

  it('runs the prefix loop twice: counting first, replaying after the offer', () => {
    expect(states.CountCursor?.Parameters).toMatchObject({ dryRun: true });
    expect(states.ReplayCursor?.Parameters).toMatchObject({ dryRun: false });
    expect(states.CountPhase?.Next).toBe('CountCursor');
    expect(states.CountCursor?.Next).toBe('NextPrefix');
    expect(states.ReplayCursor?.Next).toBe('NextPrefix');
    expect(states.Approved?.Choices).toEqual([
      {
        Variable: '$.offer.approved',
        BooleanEquals: true,
        Next: 'ReplayPhase',
      },
    ]);
    expect(states.OfferApproval).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: placeholderRecoveryArns()['offer-recovery'],
        Payload: {
          'taskToken.$': '$$.Task.Token',
          'plan.$': '$.plan',
          'before.$': '$.before',
          'phase.$': '$.phase',
        },
      },
    });
  });

  it('lets an unanswered offer expire after its timeout', () => {
    // Which policy asks whom is run in test/local/recovery-runner.test.ts.
    // The expiry is read by FinishRecovery from the States.Timeout error
    // left at $.offer (Step Functions fails a task that outlives its
    // TimeoutSeconds with States.Timeout: developer guide, "Task state").
    expect((states.OfferApproval?.Catch as unknown[] | undefined)?.[0]).toEqual(
      {
        ErrorEquals: ['States.Timeout'],
        ResultPath: '$.offer',
        Next: 'FinishRecovery',
      },
    );
    expect(states.OfferApproval?.TimeoutSeconds).toBe(3600);
    expect(states.OfferByPolicy?.Next).toBe('Approved');
  });

  it('names a Lambda for every Task state, the children’s included', () => {
    const arns = placeholderRecoveryArns();
    const tasks = { ...states, ...child };
    for (const [name, lambda] of Object.entries(RECOVERY_TASK_LAMBDA)) {
      const state = tasks[name] as State;
      expect(state, name).toBeDefined();
      const resource =
        name === 'OfferApproval'
          ? (state.Parameters as { FunctionName: string }).FunctionName
          : state.Resource;
      expect(resource, name).toBe(arns[lambda]);
    }
    expect([...new Set(Object.values(RECOVERY_TASK_LAMBDA))].sort()).toEqual(
      [...RECOVERY_LAMBDAS].sort(),
    );
  });
});
