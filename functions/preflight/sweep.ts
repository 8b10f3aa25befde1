/**
 * The hourly incident check: open incidents that no run will end by
 * itself. An OK after INSUFFICIENT_DATA never starts a quiet-period check,
 * and a check whose DescribeAlarms failed leaves its incident open; so each
 * hour, for every configured file system, the open incident is read (one
 * GetItem per file system, bounded by the configuration) and, once nothing
 * joined it for the quiet period, its joined alarms are read again. When
 * every one is OK and has been for the quiet period, the incident is
 * resolved with the same conditional write as ResolveIncident (same id,
 * same trigger count) and the thread hears of it.
 *
 * An incident no alarm ever joined ends with its run; one left open (its
 * run failed before the end) is resolved here once idle for
 * `incidentIdleHours`.
 */
import type { AppConfig } from '../../shared/domain/config.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import { sweptResolvedMessage } from '../../shared/domain/messages/blocks.ts';
import type {
  AlarmStateValue,
  AlarmsPort,
  Clock,
  IncidentRecord,
  IncidentStore,
  SlackPort,
} from '../../shared/domain/ports.ts';

export type SweepPorts = {
  store: IncidentStore;
  alarms: AlarmsPort;
  slack: SlackPort;
  clock: Clock;
  config: Pick<
    AppConfig,
    'fileSystems' | 'slackChannel' | 'incidentQuietMinutes'
  > &
    Partial<Pick<AppConfig, 'incidentIdleHours' | 'region'>>;
};

/** What the check did for one file system. */
export type SweepResult = {
  fileSystemId: string;
  incidentId?: string;
  outcome: 'none' | 'waiting' | 'still-alarming' | 'resolved' | 'failed';
  reason: string;
  /** Whether the Resolved message reached the thread. */
  posted?: boolean;
  slackError?: string;
  message?: SlackMessage;
};

const MINUTE_MS = 60_000;

/** Alarms not OK for the whole quiet period, with why. */
async function notQuiet(
  names: readonly string[],
  alarms: AlarmsPort,
  quietSince: number,
): Promise<string[]> {
  const read: Record<string, { state: AlarmStateValue; since?: string }> =
    alarms.alarmStatesSince
      ? await alarms.alarmStatesSince(names)
      : Object.fromEntries(
          Object.entries(await alarms.alarmStates(names)).map(([n, state]) => [
            n,
            { state },
          ]),
        );
  return names.flatMap((name) => {
    const alarm = read[name];
    if (!alarm) return [`${name} is missing`];
    if (alarm.state !== 'OK') return [`${name} is ${alarm.state}`];
    if (alarm.since !== undefined && Date.parse(alarm.since) > quietSince) {
      return [`${name} is OK only since ${alarm.since}`];
    }
    return [];
  });
}

async function sweepOne(
  fileSystemId: string,
  ports: SweepPorts,
  now: Date,
): Promise<SweepResult> {
  const incident: IncidentRecord | undefined =
    await ports.store.current(fileSystemId);
  if (incident?.status !== 'open') {
    return { fileSystemId, outcome: 'none', reason: 'no open incident' };
  }
  const base = { fileSystemId, incidentId: incident.incidentId };
  const quietMs = ports.config.incidentQuietMinutes * MINUTE_MS;
  const idleHours = ports.config.incidentIdleHours ?? 24;
  const idleMs = now.getTime() - Date.parse(incident.lastTriggerAt);
  const names = incident.alarmNames ?? [];
  if (names.length === 0 && idleMs < idleHours * 3_600_000) {
    return {
      ...base,
      outcome: 'waiting',
      reason: `no alarm joined; its run ends it, or this check once idle for ${idleHours} h`,
    };
  }
  if (idleMs < quietMs) {
    return {
      ...base,
      outcome: 'waiting',
      reason: `last joined ${Math.round(idleMs / MINUTE_MS)} min ago, within the quiet period`,
    };
  }
  const pending = names.length
    ? await notQuiet(names, ports.alarms, now.getTime() - quietMs)
    : [];
  if (pending.length > 0) {
    return {
      ...base,
      outcome: 'still-alarming',
      reason: `not every alarm of the incident stayed OK: ${pending.join(', ')}`,
    };
  }
  const resolved = await ports.store.resolve({
    fileSystemId,
    incidentId: incident.incidentId,
    triggers: incident.triggers,
    at: now.toISOString(),
  });
  if (resolved.next !== 'resolved') {
    return {
      ...base,
      outcome: 'none',
      reason: 'the incident changed during the check',
    };
  }
  const message = sweptResolvedMessage(
    { ...resolved, approvalRequestedAt: incident.approvalRequestedAt },
    now.toISOString(),
    Math.round(idleMs / MINUTE_MS),
    resolved.slackChannel ?? ports.config.slackChannel,
    resolved.slackThreadTs,
    // The file system's console page (no execution: the sweep runs alone).
    ports.config.region
      ? { region: ports.config.region, fileSystemId: resolved.fileSystemId }
      : undefined,
  );
  const reason =
    names.length > 0
      ? `every joined alarm stayed OK for ${ports.config.incidentQuietMinutes} min`
      : `no alarm joined and nothing new for ${idleHours} h`;
  try {
    await ports.slack.postMessage(message);
    return { ...base, outcome: 'resolved', reason, posted: true, message };
  } catch (error) {
    return {
      ...base,
      outcome: 'resolved',
      reason,
      posted: false,
      slackError: oneLine(error),
      message,
    };
  }
}

/** Checks every configured file system's open incident, one at a time. */
export async function sweepIncidents(
  ports: SweepPorts,
): Promise<SweepResult[]> {
  const now = ports.clock.now();
  const results: SweepResult[] = [];
  for (const { fileSystemId } of ports.config.fileSystems) {
    try {
      results.push(await sweepOne(fileSystemId, ports, now));
    } catch (error) {
      // One file system's failure never hides the others'.
      results.push({ fileSystemId, outcome: 'failed', reason: oneLine(error) });
    }
  }
  return results;
}
