/**
 * OpenIncident: one incident per file system. A second alarm on the same file
 * system joins the open incident instead of starting a second diagnosis; an
 * OK alarm resolves it.
 */
import type { Incident, Trigger } from '../../shared/contracts.ts';
import type { IncidentStore } from '../../shared/ports.ts';

export type OpenIncidentPorts = { store: IncidentStore };

/** Opens, joins or resolves the incident of the trigger's file system. */
export async function openIncident(
  input: { trigger: Trigger; executionName: string },
  ports: OpenIncidentPorts,
): Promise<Incident> {
  const { trigger } = input;
  if (trigger.state === 'OK') {
    return ports.store.resolve({
      fileSystemId: trigger.fileSystemId,
      at: trigger.triggeredAt,
    });
  }
  return ports.store.openOrJoin({
    fileSystemId: trigger.fileSystemId,
    incidentId: `${trigger.fileSystemId}/${trigger.triggeredAt}/${input.executionName}`,
    at: trigger.triggeredAt,
  });
}
