/**
 * IncidentStore in memory, for `demo`, `replay` and tests. Same rules as the
 * DynamoDB store: one item per file system, one open incident at a time,
 * the last throughput change kept across incidents.
 */
import {
  cutoffOf,
  type IncidentItem,
  idleIncident,
  ignoredIncident,
  toIncident,
  toRecord,
} from '../shared/domain/incident-items.ts';
import type {
  IncidentStore,
  RecoveryMessageRef,
  RecoveryStore,
  RecoveryTally,
} from '../shared/domain/ports.ts';
import {
  RECOVERY_COUNTER_NAMES,
  recoveryTokensOver,
  zeroCounters,
} from '../shared/domain/recovery/store.ts';

type Entry = {
  incident?: IncidentItem;
  lastModeChangeAt?: string;
  /** The incident that claimed the last change, when it was a claim. */
  modeChangeIncidentId?: string;
  /** Task token of the approval step, with the incident it belongs to. */
  approval?: {
    incidentId: string;
    taskToken: string;
    savedAt: string;
    /** The answer holding the token, and until when (ISO 8601). */
    claimId?: string | undefined;
    claimUntil?: string | undefined;
  };
};

/**
 * An IncidentStore held in a Map. Each method runs to completion without
 * awaiting, so concurrent calls see each other's writes as DynamoDB's
 * conditional writes would.
 */
export function createMemoryIncidentStore(): IncidentStore & RecoveryStore {
  const entries = new Map<string, Entry>();
  /** Recovery runs by run id: counters per phase, message, last edit. */
  const runs = new Map<
    string,
    {
      tallies: Map<string, RecoveryTally>;
      message?: RecoveryMessageRef;
      editedAt?: string;
      finishedAt?: string;
    }
  >();
  const runOf = (runId: string) => {
    let run = runs.get(runId);
    if (!run) {
      run = { tallies: new Map() };
      runs.set(runId, run);
    }
    return run;
  };
  const entryOf = (fileSystemId: string): Entry => {
    let entry = entries.get(fileSystemId);
    if (!entry) {
      entry = {};
      entries.set(fileSystemId, entry);
    }
    return entry;
  };

  const withApproval = (entry: Entry | undefined) => {
    const item = entry?.incident;
    if (!item) return undefined;
    const approval = entry.approval;
    return approval?.incidentId === item.incidentId
      ? { ...item, approvalRequestedAt: approval.savedAt }
      : item;
  };
  const fresh = (
    fileSystemId: string,
    incidentId: string,
    at: string,
    alarmName: string | undefined,
  ): IncidentItem => ({
    fileSystemId,
    status: 'open',
    incidentId,
    openedAt: at,
    triggers: 1,
    lastTriggerAt: at,
    alarmNames: alarmName ? [alarmName] : [],
  });

  const store: IncidentStore &
    Omit<
      RecoveryStore,
      'saveRecoveryToken' | 'claimRecoveryToken' | 'settleRecoveryToken'
    > = {
    async openOrJoin({ fileSystemId, incidentId, at, alarmName, activeSince }) {
      const entry = entryOf(fileSystemId);
      const current = entry.incident;
      if (current?.status === 'open') {
        // The opener's own retry (same id) must diagnose, not join itself.
        if (current.incidentId === incidentId) {
          return toIncident(current, 'diagnose');
        }
        if (activeSince !== undefined && current.lastTriggerAt < activeSince) {
          return idleIncident(current);
        }
        current.triggers += 1;
        current.lastTriggerAt = at;
        if (alarmName && !current.alarmNames.includes(alarmName)) {
          current.alarmNames.push(alarmName);
        }
        return toIncident(withApproval(entry) ?? current, 'joined');
      }
      entry.incident = fresh(fileSystemId, incidentId, at, alarmName);
      return toIncident(entry.incident, 'diagnose');
    },

    async replaceIdle(input) {
      const entry = entries.get(input.fileSystemId);
      const current = entry?.incident;
      if (
        !entry ||
        current?.status !== 'open' ||
        current.incidentId !== input.idleIncidentId ||
        current.triggers !== input.idleTriggers
      ) {
        return undefined;
      }
      entry.incident = fresh(
        input.fileSystemId,
        input.incidentId,
        input.at,
        input.alarmName,
      );
      return toIncident(entry.incident, 'diagnose');
    },

    async closeUnalarmed({ fileSystemId, incidentId, at }) {
      const entry = entries.get(fileSystemId);
      const current = entry?.incident;
      if (
        current?.status !== 'open' ||
        current.incidentId !== incidentId ||
        current.alarmNames.length > 0
      ) {
        return current
          ? toIncident(current, 'ignored')
          : ignoredIncident(fileSystemId, at);
      }
      current.status = 'resolved';
      current.resolvedAt = at;
      return toIncident(withApproval(entry) ?? current, 'resolved');
    },

    async resolve({ fileSystemId, at, incidentId, triggers }) {
      const current = entries.get(fileSystemId)?.incident;
      const changed =
        (incidentId !== undefined && current?.incidentId !== incidentId) ||
        (triggers !== undefined && current?.triggers !== triggers);
      if (current?.status !== 'open' || changed) {
        return current
          ? toIncident(current, 'ignored')
          : ignoredIncident(fileSystemId, at);
      }
      current.status = 'resolved';
      current.resolvedAt = at;
      return toIncident(
        withApproval(entries.get(fileSystemId)) ?? current,
        'resolved',
      );
    },

    async current(fileSystemId) {
      const current = withApproval(entries.get(fileSystemId));
      return current ? toRecord(current) : undefined;
    },

    async setThread({ fileSystemId, incidentId, channel, threadTs }) {
      const current = entries.get(fileSystemId)?.incident;
      // One incident, one thread: the first thread stays.
      if (current?.incidentId !== incidentId || current.slackThreadTs) {
        return;
      }
      current.slackChannel = channel;
      current.slackThreadTs = threadTs;
    },

    async lastModeChange(fileSystemId) {
      return entries.get(fileSystemId)?.lastModeChangeAt;
    },

    async recordModeChange({ fileSystemId, at }) {
      const entry = entryOf(fileSystemId);
      entry.lastModeChangeAt = at;
      entry.modeChangeIncidentId = undefined;
    },

    async claimModeChange({ fileSystemId, incidentId, at, lockMs }) {
      const entry = entryOf(fileSystemId);
      const last = entry.lastModeChangeAt;
      if (last && entry.modeChangeIncidentId === incidentId) {
        return { outcome: 'own', at: last };
      }
      if (last && last >= cutoffOf(at, lockMs)) {
        return {
          outcome: 'held',
          at: last,
          ...(entry.modeChangeIncidentId
            ? { incidentId: entry.modeChangeIncidentId }
            : {}),
        };
      }
      entry.lastModeChangeAt = at;
      entry.modeChangeIncidentId = incidentId;
      return { outcome: 'claimed', at };
    },

    async releaseModeChange({ fileSystemId, incidentId, at }) {
      const entry = entries.get(fileSystemId);
      if (
        entry?.modeChangeIncidentId === incidentId &&
        entry.lastModeChangeAt === at
      ) {
        entry.lastModeChangeAt = undefined;
        entry.modeChangeIncidentId = undefined;
      }
    },

    async modeChangeClaim(fileSystemId) {
      const entry = entries.get(fileSystemId);
      if (!entry?.lastModeChangeAt) return undefined;
      return {
        at: entry.lastModeChangeAt,
        ...(entry.modeChangeIncidentId
          ? { incidentId: entry.modeChangeIncidentId }
          : {}),
      };
    },

    async saveApprovalToken({ fileSystemId, incidentId, taskToken, at }) {
      entryOf(fileSystemId).approval = { incidentId, taskToken, savedAt: at };
    },

    async takeApprovalToken({ fileSystemId, incidentId }) {
      const entry = entries.get(fileSystemId);
      const approval = entry?.approval;
      if (!entry || approval?.incidentId !== incidentId) {
        return undefined;
      }
      entry.approval = undefined;
      return {
        incidentId: approval.incidentId,
        taskToken: approval.taskToken,
        savedAt: approval.savedAt,
      };
    },

    async claimApprovalToken({
      fileSystemId,
      incidentId,
      claimId,
      at,
      leaseUntil,
    }) {
      const approval = entries.get(fileSystemId)?.approval;
      if (approval?.incidentId !== incidentId) {
        return { kind: 'none' };
      }
      if (approval.claimUntil !== undefined && approval.claimUntil >= at) {
        return { kind: 'busy' };
      }
      approval.claimId = claimId;
      approval.claimUntil = leaseUntil;
      return {
        kind: 'claimed',
        incidentId,
        taskToken: approval.taskToken,
        savedAt: approval.savedAt,
      };
    },

    async settleApprovalToken({ fileSystemId, incidentId, claimId, outcome }) {
      const entry = entries.get(fileSystemId);
      const approval = entry?.approval;
      if (
        !entry ||
        approval?.incidentId !== incidentId ||
        approval.claimId !== claimId
      ) {
        return;
      }
      if (outcome === 'consumed') {
        entry.approval = undefined;
        return;
      }
      approval.claimId = undefined;
      approval.claimUntil = undefined;
    },

    async addRecoveryCounts({ runId, phase, add, at, note }) {
      const tallies = runOf(runId).tallies;
      const before = tallies.get(phase);
      const counters = before ? { ...before.counters } : zeroCounters();
      for (const name of RECOVERY_COUNTER_NAMES) counters[name] += add[name];
      const kept = before?.note ?? note;
      const tally: RecoveryTally = {
        counters,
        startedAt: before?.startedAt ?? at,
        lastAt: at,
        ...(kept === undefined ? {} : { note: kept }),
      };
      tallies.set(phase, tally);
      return { ...tally, counters: { ...counters } };
    },

    async recoveryCounts({ runId, phase }) {
      const tally = runs.get(runId)?.tallies.get(phase);
      return tally
        ? { ...tally, counters: { ...tally.counters } }
        : { counters: zeroCounters() };
    },

    async saveRecoveryMessage({ runId, ...message }) {
      runOf(runId).message = { ...message, window: { ...message.window } };
    },

    async recoveryMessage(runId) {
      const message = runs.get(runId)?.message;
      return message
        ? { ...message, window: { ...message.window } }
        : undefined;
    },

    async markRecoveryFinished({ runId, at }) {
      runOf(runId).finishedAt = at;
    },

    async recoveryFinishedAt(runId) {
      return runs.get(runId)?.finishedAt;
    },

    async claimRecoveryEdit({ runId, at, minIntervalMs }) {
      const run = runOf(runId);
      if (run.editedAt && run.editedAt > cutoffOf(at, minIntervalMs)) {
        return false;
      }
      run.editedAt = at;
      return true;
    },
  };
  return { ...store, ...recoveryTokensOver(store) };
}
