import type { Logger } from '@aws-lambda-powertools/logger';
import { openIncidentInputSchema } from '../../shared/domain/contracts.ts';
import { parseState, stepHandler } from '../../shared/runtime/step-handler.ts';
import { type OpenIncidentPorts, openIncident } from './core.ts';

/** The OpenIncident step. */
export function createOpenIncidentHandler(
  ports: OpenIncidentPorts,
  logger?: Logger,
) {
  return stepHandler({
    serviceName: 'open-incident',
    logger,
    parse: (event) => parseState(openIncidentInputSchema, event),
    run: async (state, log) => {
      const incident = await openIncident(state, ports);
      log.info('incident', {
        incidentId: incident.incidentId,
        next: incident.next,
        ...(incident.reason ? { reason: incident.reason } : {}),
      });
      return incident;
    },
  });
}
