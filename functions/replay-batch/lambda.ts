import { replayBatchInputSchema } from '../../shared/domain/recovery/steps.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { replayBatch } from './core.ts';

/**
 * The ReplayBatch step, the first state of the Distributed Map's child
 * workflow. The admin key never reaches a log line.
 */
export const createReplayBatchHandler = defineStep('replay-batch', {
  schema: replayBatchInputSchema,
  run: replayBatch,
  log: (log, result, input) =>
    log.info('batch replayed', {
      runId: input.BatchInput.runId,
      dryRun: input.BatchInput.dryRun,
      listed: result.listed,
      inWindow: result.inWindow,
      queued: result.queued,
      skipped: result.skipped,
      failed: result.failed,
      unsupported: result.unsupported,
    }),
});
