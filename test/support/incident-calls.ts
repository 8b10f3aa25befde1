import type { IncidentStore } from '../../shared/domain/ports.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';

/** burstguard's own lock: one change per file system per 24 h. */
const DAY_MS = 24 * 3600_000;

/**
 * An incident store's calls on one file system, shortened so each test shows only what differs:
 * the incident, the time, and the alarm, thread or token it brings.
 */
export function callsOn(store: IncidentStore, fileSystemId = FS_ID) {
  return {
    open: (incidentId: string, at: string, alarmName?: string) =>
      store.openOrJoin({
        fileSystemId,
        incidentId,
        at,
        ...(alarmName ? { alarmName } : {}),
      }),
    thread: (incidentId: string, channel: string, threadTs: string) =>
      store.setThread({ fileSystemId, incidentId, channel, threadTs }),
    resolve: (at: string, incidentId?: string, triggers?: number) =>
      store.resolve({
        fileSystemId,
        ...(incidentId ? { incidentId } : {}),
        ...(triggers !== undefined ? { triggers } : {}),
        at,
      }),
    claim: (incidentId: string, at: string) =>
      store.claimModeChange({
        fileSystemId,
        incidentId,
        at,
        lockMs: DAY_MS,
      }),
    release: (incidentId: string, at: string) =>
      store.releaseModeChange({ fileSystemId, incidentId, at }),
    saveToken: (incidentId: string, taskToken: string, at: string) =>
      store.saveApprovalToken({ fileSystemId, incidentId, taskToken, at }),
    takeToken: (incidentId: string) =>
      store.takeApprovalToken({ fileSystemId, incidentId }),
  };
}
