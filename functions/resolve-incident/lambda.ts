import { resolveStepInputSchema } from '../../shared/domain/contracts.ts';
import { causeMessage } from '../../shared/domain/errors.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import {
  closeRun,
  endFailedRun,
  type ResolveIncidentPorts,
  resolveIncident,
} from './core.ts';

/** The ResolveIncident, Done and EndFailedRun steps. */
export const createResolveIncidentHandler = defineStep('resolve-incident', {
  schema: resolveStepInputSchema,
  run: async (state, ports: ResolveIncidentPorts, log) => {
    if ('endFailedRun' in state) {
      // The failure is logged before anything else is tried: should
      // Slack be down too, it stays here and in the execution's output.
      const { failedState, failure } = state.state;
      log.error('the run failed', {
        failedState,
        error: failure.Error,
        cause: causeMessage(failure.Cause ?? '').slice(0, 300),
        incidentId: state.state.incident?.incidentId,
      });
      const end = await endFailedRun(state, ports);
      log.info('end of failed run', { ...end });
      return end;
    }
    if ('endOfRun' in state) {
      const closed = await closeRun(state, ports);
      log.info('end of run', {
        incidentId: closed.incidentId,
        next: closed.next,
        ...(closed.reason ? { reason: closed.reason } : {}),
      });
      return closed;
    }
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
