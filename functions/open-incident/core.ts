/**
 * OpenIncident: one incident per file system. An ALARM opens the incident
 * or joins the open one, and the incident remembers the alarm. An OK never
 * resolves anything by itself: when it comes from an alarm of the open
 * incident, the run goes on to wait the quiet period and then reads every
 * joined alarm again (ResolveIncident).
 *
 * An incident nothing joined for `incidentIdleHours` is not joined by the
 * next ALARM when every alarm that joined it reads OK in CloudWatch (or
 * none ever joined, as after a manual run whose end could not close it):
 * that ALARM opens a new incident in its place, with one conditional write.
 */

import type { AppConfig } from '../../shared/domain/config.ts';
import type { Incident, Trigger } from '../../shared/domain/contracts.ts';
import { ignoredIncident } from '../../shared/domain/incident-items.ts';
import type {
  AlarmsPort,
  IncidentRecord,
  IncidentStore,
} from '../../shared/domain/ports.ts';

export type OpenIncidentPorts = {
  store: IncidentStore;
  config: Pick<AppConfig, 'incidentQuietMinutes'> &
    Partial<Pick<AppConfig, 'incidentIdleHours'>>;
  /**
   * CloudWatch DescribeAlarms, read only when an ALARM meets an idle
   * incident. Without it such an incident with alarms is joined.
   */
  alarms?: AlarmsPort;
};

/** The default of `incidentIdleHours` (shared/domain/config.ts). */
const DEFAULT_IDLE_HOURS = 24;

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

/** Whether every alarm of an idle incident reads OK now. */
async function allOk(
  incident: Incident,
  alarms: AlarmsPort | undefined,
): Promise<boolean> {
  const names = incident.alarmNames ?? [];
  if (names.length === 0) return true;
  if (!alarms) return false;
  const states = await alarms.alarmStates(names);
  return names.every((name) => states[name] === 'OK');
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
  const idleHours = ports.config.incidentIdleHours ?? DEFAULT_IDLE_HOURS;
  const opening = {
    fileSystemId: trigger.fileSystemId,
    incidentId: `${trigger.fileSystemId}/${trigger.triggeredAt}/${input.executionName}`,
    at: trigger.triggeredAt,
    ...(trigger.kind === 'alarm' && trigger.alarmName
      ? { alarmName: trigger.alarmName }
      : {}),
  };
  const activeSince = new Date(
    Date.parse(trigger.triggeredAt) - idleHours * 3_600_000,
  ).toISOString();
  const incident = await ports.store.openOrJoin({ ...opening, activeSince });
  if (incident.next !== 'ignored') return incident;
  // The open incident is idle: over if its alarms all read OK.
  if (await allOk(incident, ports.alarms)) {
    const replaced = await ports.store.replaceIdle({
      ...opening,
      idleIncidentId: incident.incidentId,
      idleTriggers: incident.triggers,
    });
    if (replaced) {
      return {
        ...replaced,
        reason: `replaces ${incident.incidentId}, idle for more than ${idleHours} h with every alarm OK`,
      };
    }
  }
  // Still alarming, or it changed meanwhile: join as any other trigger.
  return ports.store.openOrJoin(opening);
}
