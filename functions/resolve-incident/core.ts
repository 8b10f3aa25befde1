/**
 * ResolveIncident: after the quiet period, reads every alarm that joined
 * the incident from CloudWatch and resolves the incident only if all of
 * them are OK and the incident is still the one this run waited for. The
 * resolve is one conditional write (same incident id, same trigger count),
 * so of two OKs waiting side by side only one resolves and posts.
 *
 * The same function ends a run: an incident no alarm ever joined (a manual
 * run's) has nothing to wait for, so it is resolved when its own run ends,
 * again with one conditional write (same id, still no alarm).
 */
import type {
  EndFailedRunInput,
  EndOfRunInput,
  Incident,
  ResolveIncidentInput,
  RunEnd,
} from '../../shared/domain/contracts.ts';
import type {
  AlarmsPort,
  Clock,
  IncidentStore,
} from '../../shared/domain/ports.ts';

export type ResolveIncidentPorts = {
  alarms: AlarmsPort;
  store: IncidentStore;
  clock: Clock;
};

type AlarmStates = NonNullable<Incident['alarmStates']>;

/**
 * Resolves the run's incident if no alarm ever joined it; `ignored` with
 * the reason otherwise (an alarm incident ends by its quiet-period check).
 */
export async function closeRun(
  input: EndOfRunInput,
  ports: Pick<ResolveIncidentPorts, 'store' | 'clock'>,
): Promise<Incident> {
  const { incident, trigger } = input;
  if (incident.next !== 'diagnose') {
    return {
      ...incident,
      next: 'ignored',
      reason: 'this run did not open the incident',
    };
  }
  if (incident.alarmNames?.length) {
    // Opened by an alarm: it ends by its quiet-period check, never here.
    return {
      ...incident,
      next: 'ignored',
      reason: 'an alarm opened the incident: it ends when its alarms stay OK',
    };
  }
  const closed = await ports.store.closeUnalarmed({
    fileSystemId: trigger.fileSystemId,
    incidentId: incident.incidentId,
    at: ports.clock.now().toISOString(),
  });
  if (closed.next === 'resolved') return closed;
  return {
    ...closed,
    next: 'ignored',
    reason:
      closed.incidentId === incident.incidentId && closed.alarmNames
        ? 'an alarm joined the incident: it ends when its alarms stay OK'
        : 'the incident is no longer open',
  };
}

/**
 * Ends a failed run's incident the way Done ends a finished one: a manual
 * incident (no alarm joined it) has nothing to wait for, so it ends with
 * its run; an alarm's stays open until its alarms are OK. NotifyFailure
 * says which, from this result.
 */
export async function endFailedRun(
  input: EndFailedRunInput,
  ports: Pick<ResolveIncidentPorts, 'store' | 'clock'>,
): Promise<RunEnd> {
  const { trigger, incident } = input.state;
  if (!trigger || !incident) {
    return {
      outcome: 'none',
      reason: 'the run failed before it opened or joined an incident',
    };
  }
  const closed = await closeRun({ trigger, incident, endOfRun: true }, ports);
  return {
    outcome: closed.next === 'resolved' ? 'ended' : 'open',
    reason:
      closed.next === 'resolved'
        ? 'no alarm joined the incident: it ends with its run'
        : (closed.reason ?? 'the incident stays open'),
    incidentId: incident.incidentId,
  };
}

/** The alarms to read: those that joined, or the OK's own for a manual one. */
export function alarmsToRead(input: ResolveIncidentInput): string[] {
  const joined = input.incident.alarmNames ?? [];
  if (joined.length > 0) return [...joined];
  return input.trigger.alarmName ? [input.trigger.alarmName] : [];
}

/** Reads the alarms and resolves the incident when all stayed OK. */
export async function resolveIncident(
  input: ResolveIncidentInput,
  ports: ResolveIncidentPorts,
): Promise<Incident> {
  const { incident, trigger } = input;
  const names = alarmsToRead(input);
  const kept = {
    ...(incident.quietSeconds !== undefined
      ? { quietSeconds: incident.quietSeconds }
      : {}),
  };
  if (names.length === 0) {
    return {
      ...incident,
      ...kept,
      next: 'ignored',
      reason:
        'no alarm to read: the incident has none and the trigger names none',
    };
  }
  const read = await ports.alarms.alarmStates(names);
  const alarmStates: AlarmStates = {};
  for (const name of names) alarmStates[name] = read[name] ?? 'missing';
  const notOk = names.filter((name) => alarmStates[name] !== 'OK');
  if (notOk.length > 0) {
    return {
      ...incident,
      ...kept,
      next: 'still-alarming',
      alarmStates,
      reason: `not every alarm of the incident is OK: ${notOk
        .map((name) => `${name} is ${alarmStates[name]}`)
        .join(', ')}`,
    };
  }
  const resolved = await ports.store.resolve({
    fileSystemId: trigger.fileSystemId,
    incidentId: incident.incidentId,
    triggers: incident.triggers,
    at: ports.clock.now().toISOString(),
  });
  if (resolved.next !== 'resolved') {
    return {
      ...resolved,
      ...kept,
      next: 'ignored',
      alarmStates,
      reason:
        'the incident changed during the quiet period: an alarm joined it, another run resolved it, or a new incident opened',
    };
  }
  return { ...resolved, ...kept, alarmStates };
}
