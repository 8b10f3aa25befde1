import { recoveryStateSchema } from '../../shared/domain/recovery/steps.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { finishRecovery } from './core.ts';

/** The FinishRecovery step: the recovery state machine's last. */
export const createFinishRecoveryHandler = defineStep('finish-recovery', {
  schema: recoveryStateSchema,
  run: finishRecovery,
  log: (log, report, state) => {
    log.info('recovery finished', {
      runId: state.plan.runId,
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
  },
});
