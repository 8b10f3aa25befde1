import { defineStep } from '../../shared/runtime/step-handler.ts';
import { remediate, remediateInputSchema } from './core.ts';

/** The Remediate step. */
export const createRemediateHandler = defineStep('remediate', {
  schema: remediateInputSchema,
  run: remediate,
  log: (log, out) => log.info('remediation', { ...out }),
});
