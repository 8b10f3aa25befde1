/**
 * OpenIncident: one incident per file system. A second alarm on the same file
 * system joins the open incident instead of starting a second diagnosis; an
 * OK alarm resolves it.
 */
import type { AfterNormalize, Incident } from '../../shared/contracts.ts';
import type { IncidentStore } from '../../shared/ports.ts';

export type OpenIncidentPorts = { store: IncidentStore };

/** Opens, joins or resolves the incident of the trigger's file system. */
export async function openIncident(
  state: AfterNormalize,
  ports: OpenIncidentPorts,
): Promise<Incident> {
  const { trigger } = state;
  if (trigger.state === 'OK') {
    return ports.store.resolve({
      fileSystemId: trigger.fileSystemId,
      at: trigger.triggeredAt,
    });
  }
  return ports.store.openOrJoin({
    fileSystemId: trigger.fileSystemId,
    incidentId: `${trigger.fileSystemId}/${trigger.triggeredAt}`,
    at: trigger.triggeredAt,
  });
}
