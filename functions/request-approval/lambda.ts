import type { Logger } from '@aws-lambda-powertools/logger';
import { requestApprovalInputSchema } from '../../shared/domain/contracts.ts';
import { parseState, stepHandler } from '../../shared/runtime/step-handler.ts';
import { type RequestApprovalPorts, requestApproval } from './core.ts';

/** The RequestApproval step (invoked with .waitForTaskToken). */
export function createRequestApprovalHandler(
  ports: RequestApprovalPorts,
  logger?: Logger,
) {
  return stepHandler({
    serviceName: 'request-approval',
    logger,
    parse: (event) => parseState(requestApprovalInputSchema, event),
    run: async (input, log) => {
      const out = await requestApproval(input, ports);
      // The token is a credential for this execution: never logged.
      log.info('approval requested', {
        incidentId: input.state.incident.incidentId,
      });
      return out;
    },
  });
}
