import type { Logger } from '@aws-lambda-powertools/logger';
import { parseState, stepHandler } from '../../shared/lambda.ts';
import {
  type ResolveIncidentPorts,
  resolveIncident,
  resolveIncidentInputSchema,
} from './core.ts';

/** The ResolveIncident step. */
export function createResolveIncidentHandler(
  ports: ResolveIncidentPorts,
  logger?: Logger,
) {
  return stepHandler({
    serviceName: 'resolve-incident',
    logger,
    parse: (event) => parseState(resolveIncidentInputSchema, event),
    run: async (state, log) => {
      const incident = await resolveIncident(state, ports);
      log.info('quiet-period check', {
        incidentId: incident.incidentId,
        next: incident.next,
        alarmStates: incident.alarmStates,
        ...(incident.reason ? { reason: incident.reason } : {}),
      });
      return incident;
    },
  });
}
