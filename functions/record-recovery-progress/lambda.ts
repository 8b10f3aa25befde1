import { recordProgressInputSchema } from '../../shared/domain/recovery/steps.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { recordProgress } from './core.ts';

/** The RecordProgress step, the last state of the map's child workflow. */
export const createRecordRecoveryProgressHandler = defineStep(
  'record-recovery-progress',
  {
    schema: recordProgressInputSchema,
    run: recordProgress,
    log: (log, out, input) => {
      log.info('batch recorded', {
        runId: input.batch.runId,
        phase: input.batch.phase,
        listed: out.counters.listed,
        queued: out.counters.queued,
        failed: out.counters.failed,
        edited: out.edited,
        ...(out.failedKeysAt ? { failedKeysAt: out.failedKeysAt } : {}),
      });
      if (out.editError) {
        log.warn('progress message not edited', { reason: out.editError });
      }
    },
  },
);
