/**
 * What the runbook starts once Verify says the switch worked: a recovery of
 * the records Langfuse dropped during the incident, for a file system whose
 * configuration says where its events are (`recovery`).
 *
 * The window starts a few minutes before the first dropped record the
 * evidence shows (or at the incident window's start when it shows none)
 * and ends at the check: Langfuse uploads an event to S3 before it tries
 * ClickHouse, so every event it dropped was uploaded in that span.
 * Replaying one that did land is harmless (docs/recovery.md), so the
 * margin costs requests, not records.
 */
import type { AppConfig } from '../config.ts';
import type { AfterRemediate, LangfuseEvidence } from '../contracts.ts';
import type { RecoveryInput } from './steps.ts';

/** Minutes before the first dropped record the window starts. */
export const RECOVERY_LEAD_MINUTES = 5;

/** The Langfuse evidence of a run, when its branch answered. */
function langfuseEvidence(
  state: Pick<AfterRemediate, 'gathered'>,
): Extract<LangfuseEvidence, { available: true }> | undefined {
  for (const branch of state.gathered) {
    const b = branch as { source?: string; available?: boolean };
    if (b.source === 'langfuse' && b.available === true) {
      return branch as Extract<LangfuseEvidence, { available: true }>;
    }
  }
  return undefined;
}

/**
 * The dropped records the evidence counted, and the first period that had
 * any: the exact Logs Insights count when there is one, else the metric
 * filter's.
 */
export function droppedRecords(
  state: Pick<AfterRemediate, 'gathered'>,
): { total: number; firstMs?: number } | undefined {
  const evidence = langfuseEvidence(state);
  const series =
    evidence?.droppedRecordsCount?.series ??
    evidence?.metrics.langfuse_dropped_records;
  if (!series) return undefined;
  let total = 0;
  let firstMs: number | undefined;
  series.values.forEach((value, i) => {
    if (value === null || value <= 0) return;
    total += value;
    firstMs ??= Date.parse(series.start) + i * series.periodSeconds * 1000;
  });
  return {
    total: Math.round(total),
    ...(firstMs === undefined ? {} : { firstMs }),
  };
}

/**
 * The recovery input after a switch that worked (Verify's verdict), or
 * undefined when the file system has no recovery configuration.
 */
export function recoveryAfterSwitch(
  state: Pick<
    AfterRemediate,
    'trigger' | 'incident' | 'gathered' | 'notification'
  >,
  config: Pick<AppConfig, 'fileSystems'>,
  now: Date,
): RecoveryInput | undefined {
  const fs = config.fileSystems.find(
    (f) => f.fileSystemId === state.trigger.fileSystemId,
  );
  if (!fs?.recovery) return undefined;
  const dropped = droppedRecords(state);
  const windowStartMs = Date.parse(state.trigger.windowStart);
  const fromMs =
    dropped?.firstMs === undefined
      ? windowStartMs
      : Math.max(
          windowStartMs,
          dropped.firstMs - RECOVERY_LEAD_MINUTES * 60_000,
        );
  if (!(fromMs < now.getTime())) return undefined;
  const threadTs = state.notification.threadTs;
  return {
    fileSystemId: fs.fileSystemId,
    window: {
      from: new Date(fromMs).toISOString(),
      to: now.toISOString(),
    },
    ...(state.trigger.dryRun ? { dryRun: true } : {}),
    incidentId: state.incident.incidentId,
    ...(threadTs
      ? { thread: { channel: state.notification.channel, ts: threadTs } }
      : {}),
    ...(dropped ? { droppedRecords: dropped.total } : {}),
  };
}
