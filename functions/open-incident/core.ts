/**
 * OpenIncident: one incident per file system. An ALARM opens the incident
 * or joins the open one, and the incident remembers the alarm. An OK never
 * resolves anything by itself: when it comes from an alarm of the open
 * incident, the run goes on to wait the quiet period and then reads every
 * joined alarm again (ResolveIncident).
 */

import { ignoredIncident } from '../../shared/adapters/memory-incident-store.ts';
import type { AppConfig } from '../../shared/config.ts';
import type { Incident, Trigger } from '../../shared/contracts.ts';
import type { IncidentRecord, IncidentStore } from '../../shared/ports.ts';

export type OpenIncidentPorts = {
  store: IncidentStore;
  config: Pick<AppConfig, 'incidentQuietMinutes'>;
};

function withNext(
  record: IncidentRecord,
  next: Incident['next'],
  extra: Partial<Incident> = {},
): Incident {
  const { status: _status, ...incident } = record;
  return { ...incident, next, ...extra };
}

/**
 * What an OK alarm leads to: a quiet-period check of the open incident, or
 * nothing, with the reason.
 */
async function afterOk(
  trigger: Trigger,
  ports: OpenIncidentPorts,
): Promise<Incident> {
  const current = await ports.store.current(trigger.fileSystemId);
  if (!current) {
    return {
      ...ignoredIncident(trigger.fileSystemId, trigger.triggeredAt),
      reason: 'no incident was ever open for this file system',
    };
  }
  if (trigger.previousState === 'INSUFFICIENT_DATA') {
    // INSUFFICIENT_DATA -> OK is an alarm starting to get data again (a new
    // alarm, a metric back after a gap), not a recovery.
    return withNext(current, 'ignored', {
      reason: `${trigger.alarmName ?? 'the alarm'} went OK from INSUFFICIENT_DATA, which says nothing about the incident`,
    });
  }
  if (current.status !== 'open') {
    return withNext(current, 'ignored', {
      reason: 'the incident is already resolved',
    });
  }
  const joined = current.alarmNames ?? [];
  // An incident opened by hand has no alarm to wait for: any of the file
  // system's alarms going OK starts the check, which then reads that alarm.
  if (joined.length > 0 && !joined.includes(trigger.alarmName ?? '')) {
    return withNext(current, 'ignored', {
      reason: `${trigger.alarmName ?? 'the alarm'} never joined the open incident (its alarms: ${joined.join(', ')})`,
    });
  }
  return withNext(current, 'quiet-check', {
    quietSeconds: ports.config.incidentQuietMinutes * 60,
  });
}

/** Opens or joins the incident of an ALARM, or starts an OK's check. */
export async function openIncident(
  input: { trigger: Trigger; executionName: string },
  ports: OpenIncidentPorts,
): Promise<Incident> {
  const { trigger } = input;
  if (trigger.state === 'OK') {
    return afterOk(trigger, ports);
  }
  return ports.store.openOrJoin({
    fileSystemId: trigger.fileSystemId,
    incidentId: `${trigger.fileSystemId}/${trigger.triggeredAt}/${input.executionName}`,
    at: trigger.triggeredAt,
    ...(trigger.kind === 'alarm' && trigger.alarmName
      ? { alarmName: trigger.alarmName }
      : {}),
  });
}
