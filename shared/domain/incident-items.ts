/**
 * The item both incident stores keep per file system (DynamoDB and the
 * in-memory store of `demo`, `replay` and the tests), and how an item reads
 * back as an Incident.
 */
import type { Incident } from './contracts.ts';
import type { IncidentRecord } from './ports.ts';

/** What both stores keep per file system. */
export type IncidentItem = {
  fileSystemId: string;
  status: 'open' | 'resolved';
  incidentId: string;
  openedAt: string;
  triggers: number;
  lastTriggerAt: string;
  resolvedAt?: string;
  slackChannel?: string;
  slackThreadTs?: string;
  /** Every alarm that opened or joined the incident. */
  alarmNames: string[];
  /** When the approval card of this incident went out, while unanswered. */
  approvalRequestedAt?: string;
};

/** The stored incident, without a next move. */
export function toRecord(item: IncidentItem): IncidentRecord {
  const { next: _next, ...rest } = toIncident(item, 'ignored');
  return { ...rest, status: item.status, lastTriggerAt: item.lastTriggerAt };
}

/** The Incident a store returns for an item and the step's next move. */
export function toIncident(
  item: IncidentItem,
  next: Incident['next'],
): Incident {
  const incident: Incident = {
    incidentId: item.incidentId,
    fileSystemId: item.fileSystemId,
    openedAt: item.openedAt,
    next,
    triggers: item.triggers,
  };
  if (item.slackChannel !== undefined) {
    incident.slackChannel = item.slackChannel;
  }
  if (item.slackThreadTs !== undefined) {
    incident.slackThreadTs = item.slackThreadTs;
  }
  if (item.alarmNames.length > 0) {
    incident.alarmNames = [...item.alarmNames].sort();
  }
  if (item.approvalRequestedAt !== undefined) {
    incident.approvalRequestedAt = item.approvalRequestedAt;
  }
  return incident;
}

/** The answer of openOrJoin for an open incident idle since `activeSince`. */
export function idleIncident(item: IncidentItem): Incident {
  return {
    ...toIncident(item, 'ignored'),
    reason: `the open incident is idle since ${item.lastTriggerAt}`,
  };
}

/** The answer to an OK alarm when no incident of the file system exists. */
export function ignoredIncident(fileSystemId: string, at: string): Incident {
  return {
    incidentId: `${fileSystemId}/${at}`,
    fileSystemId,
    openedAt: at,
    next: 'ignored',
    triggers: 1,
  };
}

/**
 * The oldest change time that still holds the lock at `at`. Both stores keep
 * ISO 8601 UTC times from toISOString, which sort as text.
 */
export function cutoffOf(at: string, lockMs: number): string {
  return new Date(Date.parse(at) - lockMs).toISOString();
}
