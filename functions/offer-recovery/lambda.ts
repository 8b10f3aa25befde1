import { offerRecoveryInputSchema } from '../../shared/domain/recovery/steps.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { offerRecovery } from './core.ts';

/**
 * The OfferRecovery step (invoked with .waitForTaskToken under policy
 * approve). The token is a credential for this execution: never logged.
 */
export const createOfferRecoveryHandler = defineStep('offer-recovery', {
  schema: offerRecoveryInputSchema,
  run: offerRecovery,
  log: (log, answer, input) =>
    log.info('recovery offered', {
      runId: input.plan.runId,
      approved: answer.approved,
      asked: answer.asked ?? false,
      ...(answer.reason ? { reason: answer.reason } : {}),
    }),
});
