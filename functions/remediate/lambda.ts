import { remediateInputSchema } from '../../shared/domain/contracts.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { remediate } from './core.ts';

/** The Remediate step. */
export const createRemediateHandler = defineStep('remediate', {
  schema: remediateInputSchema,
  run: remediate,
  log: (log, out) => log.info('remediation', { ...out }),
});
