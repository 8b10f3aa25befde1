/**
 * Evidence from a recording, through the real collectors: what Gather would
 * have produced for the recorded window. Used by `demo`, `replay` and the
 * tests.
 */
import { collectClickHouse } from '../functions/collect-clickhouse/core.ts';
import { collectEfs } from '../functions/collect-efs/core.ts';
import { collectLangfuse } from '../functions/collect-langfuse/core.ts';
import { type AppConfig, parseConfig } from '../shared/domain/config.ts';
import {
  clampWindowMinutes,
  type Evidence,
  type Trigger,
} from '../shared/domain/contracts.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingLogsInsightsPort,
  recordingMetricsPort,
} from './recorded-ports.ts';
import type { Recording } from './recording-format.ts';

/** The alarm name in a recording's trigger, if it is an alarm event. */
export function alarmNameOf(trigger: unknown): string | undefined {
  const name = (trigger as { detail?: { alarmName?: unknown } })?.detail
    ?.alarmName;
  return typeof name === 'string' ? name : undefined;
}

/** A configuration that knows the recording's file system. */
export function configForRecording(
  recording: Recording,
  overrides: Partial<AppConfig['fileSystems'][number]> = {},
): AppConfig {
  const alarmName = alarmNameOf(recording.trigger);
  const windowMinutes = Math.round(
    (Date.parse(recording.meta.end) - Date.parse(recording.meta.start)) /
      60_000,
  );
  return parseConfig({
    region: recording.meta.region,
    fileSystems: [
      {
        fileSystemId: recording.meta.fileSystemId,
        remediationAllowed: true,
        alarmNames: alarmName ? [alarmName] : [],
        // The Langfuse collector asks Logs Insights only with log groups.
        ...(recording.logsInsights
          ? {
              insightsLogGroups: recording.meta.langfuseLogGroups?.length
                ? recording.meta.langfuseLogGroups
                : ['(recorded)'],
            }
          : {}),
        ...overrides,
      },
    ],
    approvers: ['U0LOCAL'],
    defaultWindowMinutes: clampWindowMinutes(windowMinutes),
    slackChannel: '#langfuse-oncall',
  });
}

/** The trigger of a recording's window, as Normalize would produce it. */
export function triggerForRecording(recording: Recording): Trigger {
  const { meta } = recording;
  const windowMinutes = Math.round(
    (Date.parse(meta.end) - Date.parse(meta.start)) / 60_000,
  );
  return {
    kind: 'manual',
    fileSystemId: meta.fileSystemId,
    region: meta.region,
    state: 'ALARM',
    triggeredAt: meta.end,
    windowMinutes: clampWindowMinutes(windowMinutes),
    windowStart: meta.start,
    windowEnd: meta.end,
    dryRun: true,
    policy: 'off',
  };
}

/** Runs the three collectors over the recording. */
export async function evidenceFromRecording(
  recording: Recording,
): Promise<Evidence> {
  const trigger = triggerForRecording(recording);
  const clock = { now: () => new Date(recording.meta.end) };
  const metrics = recordingMetricsPort(recording);
  const [efs, langfuse, clickhouse] = await Promise.all([
    collectEfs(trigger, { efs: recordingEfsPort(recording), metrics, clock }),
    collectLangfuse(trigger, {
      metrics,
      clock,
      config: configForRecording(recording),
      logsInsights: recordingLogsInsightsPort(recording),
    }),
    collectClickHouse(trigger, {
      clickhouseFor: () => recordingClickHousePort(recording),
    }),
  ]);
  return { efs, langfuse, clickhouse };
}
