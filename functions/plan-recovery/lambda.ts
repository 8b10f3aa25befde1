import { planRecoveryInputSchema } from '../../shared/domain/recovery/steps.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { planRecovery } from './core.ts';

/** The PlanRecovery step of the recovery state machine. */
export const createPlanRecoveryHandler = defineStep('plan-recovery', {
  schema: planRecoveryInputSchema,
  run: planRecovery,
  log: (log, plan) => {
    log.info('recovery planned', {
      runId: plan.runId,
      status: plan.status,
      prefixes: plan.prefixes.length,
      policy: plan.policy,
      dryRun: plan.dryRun,
    });
    if (plan.progressError) {
      log.warn('progress message not posted', { reason: plan.progressError });
    }
  },
});
