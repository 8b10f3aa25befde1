import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import {
  recoveryInputSchema,
  recoveryStateSchema,
} from '../../shared/domain/recovery/steps.ts';
import { schema } from '../../shared/domain/schema.ts';
import {
  defineStep,
  type StepFactory,
} from '../../shared/runtime/step-handler.ts';
import {
  type FinishRecoveryPorts,
  type FinishRecoveryResult,
  finishRecovery,
  finishStoppedRun,
} from './core.ts';

const logReport = (
  log: Logger,
  report: FinishRecoveryResult,
  runId: string,
) => {
  log.info('recovery finished', {
    runId,
    status: report.status,
    keysListed: report.keysListed,
    keysQueued: report.keysQueued,
    keysFailed: report.keysFailed,
    recordsBefore: report.recordsBefore,
    recordsAfter: report.recordsAfter,
  });
  if (report.editError) {
    log.warn('progress message not edited', { reason: report.editError });
  }
};

/** The FinishRecovery step: the recovery state machine's last. */
const createFinishHandler = defineStep('finish-recovery', {
  schema: recoveryStateSchema,
  run: finishRecovery,
  log: (log, report, state) => logReport(log, report, state.plan.runId),
});

/**
 * FinishRecovery after PlanRecovery failed: its Catch leaves the error at
 * `$.error` beside the execution's input, and there is no plan.
 */
const unplannedSchema = /* @__PURE__ */ schema(() =>
  z.extend(recoveryInputSchema, {
    /** The execution, which the Unplanned state adds. */
    execution: z.optional(z.object({ id: z.string().check(z.minLength(1)) })),
    error: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
  }),
);

const createUnplannedHandler = defineStep('finish-recovery', {
  schema: unplannedSchema,
  run: (state, ports: FinishRecoveryPorts) =>
    finishStoppedRun(
      {
        runId: state.execution?.id ?? `unplanned-${state.fileSystemId}`,
        error: `${state.error.Error}: ${state.error.Cause ?? ''}`,
        fileSystemId: state.fileSystemId,
        window: state.window,
        ...(state.thread ? { thread: state.thread } : {}),
        // A redrive would re-enter the run's Fail state: start it again.
        resume: 'restart',
        finishing: true,
      },
      ports,
    ),
  log: (log, report, state) =>
    logReport(log, report, state.execution?.id ?? state.fileSystemId),
});

/**
 * The execution-status rule's event (Step Functions developer guide,
 * "Automating Step Functions event delivery with EventBridge": detail-type
 * "Step Functions Execution Status Change", source "aws.states", `detail`
 * with executionArn, status, and error and cause when it failed).
 */
export const executionStatusChangeSchema = /* @__PURE__ */ schema(() =>
  z.object({
    source: z.literal('aws.states'),
    'detail-type': z.literal('Step Functions Execution Status Change'),
    detail: z.object({
      executionArn: z.string().check(z.minLength(1)),
      status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
      error: z.nullish(z.string()),
      cause: z.nullish(z.string()),
    }),
  }),
);

const createStatusChangeHandler = defineStep('finish-recovery', {
  schema: executionStatusChangeSchema,
  run: ({ detail }, ports: FinishRecoveryPorts) =>
    finishStoppedRun(
      {
        runId: detail.executionArn,
        error: `execution ${detail.status.toLowerCase()}${detail.error ? `: ${detail.error}` : ''}${detail.cause ? `: ${detail.cause}` : ''}`,
        // Uncaught, it stopped at a Map Run: a redrive resumes it there.
        resume: 'redrive',
        finishing: false,
      },
      ports,
    ),
  log: (log, report, event) =>
    logReport(log, report, event.detail.executionArn),
});

function isStatusChange(event: unknown): boolean {
  return (
    (event as { 'detail-type'?: unknown } | null)?.['detail-type'] ===
    'Step Functions Execution Status Change'
  );
}

function isUnplanned(event: unknown): boolean {
  const e = event as { plan?: unknown; error?: unknown } | null;
  return e !== null && e?.plan === undefined && e?.error !== undefined;
}

/**
 * The one function that ends a recovery: the state machine's last step,
 * that step after PlanRecovery failed, and the execution-status rule's
 * target when the execution itself failed.
 */
export const createFinishRecoveryHandler: StepFactory<
  FinishRecoveryPorts,
  FinishRecoveryResult
> = (ports, logger) => {
  const finish = createFinishHandler(ports, logger);
  const unplanned = createUnplannedHandler(ports, logger);
  const stopped = createStatusChangeHandler(ports, logger);
  return (event, context) =>
    isStatusChange(event)
      ? stopped(event, context)
      : isUnplanned(event)
        ? unplanned(event, context)
        : finish(event, context);
};
