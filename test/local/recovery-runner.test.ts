/**
 * The recovery definition run locally end to end: aws-local-stepfunctions
 * for the states, the local Distributed Map engine for ReplayPrefix, a real
 * S3 API on loopback (s3rver). The step handlers are stand-ins; what is under
 * test is the definition's flow and the runner's redrive, which follows
 * RedriveExecution: the failed execution resumes at the state that failed,
 * with its input, and a Distributed Map there re-runs only the child
 * executions that did not succeed (AWS Step Functions developer guide,
 * redrive-executions and redrive-map-run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RecoveryTaskHandlers,
  redriveRecoveryLocal,
  runRecoveryLocal,
} from '../../local/recovery-runner.ts';
import { LANGFUSE_ERRORS } from '../../workflows/recovery.ts';
import { type LocalS3, startS3rver } from '../support/s3rver.ts';

const EVENTS = 'langfuse-events';
const OWN = 'burstguard-own';
const OTEL = 'otel/p1/2026/11/23/03/';

type Batch = {
  Items: { Key: string }[];
  BatchInput: { phase: string; dryRun: boolean; prefix: string };
};

/**
 * Stand-ins for the step Lambdas: a plan of two prefixes, counts, an offer
 * answered by `offer`, a ReplayBatch that fails on `failKey` until healed.
 */
function standIns(
  plan: { policy: string; dryRun: boolean },
  offer: (input: unknown) => unknown,
  failKey?: string,
) {
  const calls: string[] = [];
  const replayAttempts = new Map<string, number>();
  const counted: Batch[] = [];
  const state = { healthy: false };
  const tasks: RecoveryTaskHandlers = {
    PlanRecovery: async (input) => {
      calls.push('PlanRecovery');
      const { input: run } = input as {
        input: { fileSystemId: string; window: unknown };
      };
      return {
        status: 'ready',
        runId: 'run-1',
        fileSystemId: run.fileSystemId,
        window: run.window,
        ...plan,
        bucket: EVENTS,
        eventsPrefix: '',
        prefixes: [
          { prefix: 'p2/', kind: 'standard' },
          { prefix: OTEL, kind: 'otel' },
        ],
        batchSize: 5,
        maxConcurrency: 1,
      };
    },
    CountBefore: async () => ({ traces: 10, observations: 20 }),
    CountAfter: async () => {
      calls.push('CountAfter');
      return { traces: 30, observations: 60 };
    },
    OfferByPolicy: async (input) => {
      calls.push('OfferByPolicy');
      return offer(input);
    },
    OfferApproval: async (input) => {
      calls.push('OfferApproval');
      return offer(input);
    },
    ReplayBatch: async (input) => {
      const batch = input as Batch;
      if (batch.BatchInput.phase === 'count') {
        counted.push(batch);
        return { listed: batch.Items.length, queued: 0 };
      }
      const key = batch.Items[0]?.Key ?? '';
      replayAttempts.set(key, (replayAttempts.get(key) ?? 0) + 1);
      if (!state.healthy && key === failKey) {
        const error = new Error('Langfuse answered 503');
        error.name = LANGFUSE_ERRORS.unavailable;
        throw error;
      }
      calls.push(`replayed ${key}`);
      return { listed: batch.Items.length, queued: batch.Items.length };
    },
    RecordProgress: async () => ({ recorded: true }),
    FinishRecovery: async (input) => {
      calls.push('FinishRecovery');
      const s = input as { before: unknown; after: unknown; offer: unknown };
      return { status: 'finished', before: s.before, after: s.after };
    },
  };
  return { tasks, calls, replayAttempts, counted, state };
}

const RUN_INPUT = {
  fileSystemId: 'fs-0123456789abcdef0',
  window: { from: '2026-11-23T02:00:00Z', to: '2026-11-23T04:00:00Z' },
};
const OPTIONS = {
  resultsBucket: OWN,
  batchSize: 5,
  maxConcurrency: 1,
  retryIntervalOverrides: { ReplayBatch: 1 },
};

describe('the recovery state machine, run locally', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3rver([EVENTS, OWN]);
    await s3.putObjects(EVENTS, 20, (i) => `p2/trace/b${i}/e${i}.json`);
    await s3.putObjects(
      EVENTS,
      30,
      (i) => `${OTEL}${String(i).padStart(2, '0')}/span-${i}.json`,
    );
  }, 60_000);
  afterAll(async () => {
    await s3?.close();
  });

  it('counts, replays, fails on a 5xx mid-run, then redrives with one batch repeated', async () => {
    const { tasks, calls, replayAttempts, counted, state } = standIns(
      { policy: 'auto', dryRun: false },
      () => ({ approved: true, reason: 'auto' }),
      `${OTEL}15/span-15.json`,
    );
    const failed = await runRecoveryLocal(
      RUN_INPUT,
      { s3: s3.client, tasks },
      OPTIONS,
    );

    expect(failed.status).toBe('FAILED');
    if (failed.status !== 'FAILED') return;
    expect(failed.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(failed.failedState).toBe('ReplayPrefix');
    // The counting pass saw every key as a dry run, in batches of 5.
    expect(counted.flatMap((b) => b.Items)).toHaveLength(50);
    expect(counted.every((b) => b.BatchInput.dryRun === true)).toBe(true);
    expect(counted.every((b) => b.Items.length <= 5)).toBe(true);
    expect(calls).toContain('OfferByPolicy');
    expect(calls).not.toContain('FinishRecovery');

    state.healthy = true;
    const redriven = await redriveRecoveryLocal(failed);
    expect(redriven.status).toBe('SUCCEEDED');
    if (redriven.status !== 'SUCCEEDED') return;
    expect(redriven.executionId).toBe(failed.executionId);
    expect(redriven.output.report).toMatchObject({
      status: 'finished',
      before: { traces: 10, observations: 20 },
      after: { traces: 30, observations: 60 },
    });
    expect(calls.slice(-2)).toEqual(['CountAfter', 'FinishRecovery']);
    // Every replay batch got through exactly once; one batch ran twice.
    const replayed = calls.filter((c) => c.startsWith('replayed '));
    expect(replayed).toHaveLength(10);
    expect(new Set(replayed).size).toBe(10);
    const repeated = [...replayAttempts].filter(([, n]) => n > 1);
    expect(repeated.map(([key]) => key)).toEqual([`${OTEL}15/span-15.json`]);
    // The Map Run of the prefix that had succeeded was not run again.
    expect(calls.filter((c) => c.includes('p2/'))).toHaveLength(4);
  });

  it('asks a person under approve and stops when they decline', async () => {
    const asked: unknown[] = [];
    const { tasks, calls, counted } = standIns(
      { policy: 'approve', dryRun: false },
      (input) => {
        asked.push(input);
        return { approved: false, by: 'U123' };
      },
    );
    const run = await runRecoveryLocal(
      RUN_INPUT,
      { s3: s3.client, tasks },
      OPTIONS,
    );
    expect(run.status).toBe('SUCCEEDED');
    // lambda:invoke.waitForTaskToken hands the function {FunctionName, Payload}.
    expect(asked[0]).toMatchObject({
      Payload: {
        taskToken: expect.any(String),
        plan: { runId: 'run-1', policy: 'approve' },
        before: { traces: 10, observations: 20 },
        phase: 'count',
      },
    });
    expect(counted.flatMap((b) => b.Items)).toHaveLength(50);
    expect(calls.filter((c) => c.startsWith('replayed'))).toEqual([]);
    expect(calls).not.toContain('CountAfter');
    expect(calls.at(-1)).toBe('FinishRecovery');
  });

  it('only counts in a dry run, even under approve', async () => {
    const { tasks, calls, counted } = standIns(
      { policy: 'approve', dryRun: true },
      () => ({ approved: false, reason: 'dry-run' }),
    );
    const run = await runRecoveryLocal(
      RUN_INPUT,
      { s3: s3.client, tasks },
      OPTIONS,
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(calls).toContain('OfferByPolicy');
    expect(calls).not.toContain('OfferApproval');
    expect(counted.every((b) => b.BatchInput.dryRun)).toBe(true);
    expect(calls.filter((c) => c.startsWith('replayed'))).toEqual([]);
  });
});
