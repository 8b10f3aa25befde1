import { verifyInputSchema } from '../../shared/domain/contracts.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { verifyRemediation } from './core.ts';

/** The Verify step, after the wait that follows a switch. */
export const createVerifyHandler = defineStep('verify', {
  schema: verifyInputSchema,
  run: verifyRemediation,
  log: (log, out) => log.info('verification', { ...out }),
});
