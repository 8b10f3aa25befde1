import { openIncidentInputSchema } from '../../shared/domain/contracts.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { openIncident } from './core.ts';

/** The OpenIncident step. */
export const createOpenIncidentHandler = defineStep('open-incident', {
  schema: openIncidentInputSchema,
  run: openIncident,
  log: (log, incident) =>
    log.info('incident', {
      incidentId: incident.incidentId,
      next: incident.next,
      ...(incident.reason ? { reason: incident.reason } : {}),
    }),
});
