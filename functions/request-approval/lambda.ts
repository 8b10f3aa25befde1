import { requestApprovalInputSchema } from '../../shared/domain/contracts.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { requestApproval } from './core.ts';

/**
 * The RequestApproval step (invoked with .waitForTaskToken). The token
 * is a credential for this execution: never logged.
 */
export const createRequestApprovalHandler = defineStep('request-approval', {
  schema: requestApprovalInputSchema,
  run: requestApproval,
  log: (log, _, input) =>
    log.info('approval requested', {
      incidentId: input.state.incident.incidentId,
    }),
});
