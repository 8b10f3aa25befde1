/**
 * Local adapters over a recording: EFS, CloudWatch and ClickHouse answer
 * exactly what the recording holds. The EFS port also simulates a
 * throughput mode change, so a local run can show a remediation.
 */
import {
  type FileSystemDescription,
  type MetricDataResult,
  toEpochMs,
} from '../shared/domain/aws-shapes.ts';
import {
  FileSystemNotFoundError,
  SourceUnavailableError,
} from '../shared/domain/errors.ts';
import type {
  ClickHousePort,
  EfsPort,
  LogsInsightsPort,
  MetricsPort,
  SnapshotQueryName,
} from '../shared/domain/ports.ts';
import {
  LATER_QUERY_NAMES,
  SNAPSHOT_QUERY_NAMES,
} from '../shared/domain/ports.ts';
import type { LogSignalId } from '../shared/domain/sources/langfuse-patterns.ts';
import {
  langfuseLinesResult,
  RECORDING_FILES,
  type RecordedSnapshot,
  type Recording,
} from './recording-format.ts';

/**
 * The recording's metric series: get-metric-data's, with a Langfuse
 * signal's Logs Insights line count standing in where its metric-filter
 * series holds no datapoint (meta.json's `langfuseLinesCountedBy`).
 */
export function recordedMetricSeries(recording: Recording): MetricDataResult[] {
  const counted = Object.entries(recording.langfuseLines ?? {}).map(
    ([id, output]) =>
      langfuseLinesResult(
        id as LogSignalId,
        output,
        RECORDING_FILES.langfuseLines,
      ),
  );
  const countedIds = new Set(counted.map((r) => r.Id));
  const kept = recording.metricData.MetricDataResults.filter(
    (r) => !(countedIds.has(r.Id) && !r.Values?.length),
  );
  const keptIds = new Set(kept.map((r) => r.Id));
  return [...kept, ...counted.filter((r) => !keptIds.has(r.Id))];
}

/** A simulated EFS control plane seeded from the recording. */
export function recordingEfsPort(
  recording: Recording,
  options: { onUpdate?: (call: unknown) => void } = {},
): EfsPort & { calls: unknown[] } {
  const systems = new Map<string, FileSystemDescription>(
    recording.describeFileSystems.FileSystems.map((fs) => [
      fs.FileSystemId,
      structuredClone(fs),
    ]),
  );
  const calls: unknown[] = [];
  const find = (id: string) => {
    const fs = systems.get(id);
    if (!fs) {
      throw new FileSystemNotFoundError(
        `file system ${id} does not exist (FileSystemNotFound)`,
      );
    }
    return fs;
  };
  return {
    calls,
    async describeFileSystem(id) {
      return structuredClone(find(id));
    },
    async updateFileSystem(call) {
      const fs = find(call.FileSystemId);
      calls.push(call);
      options.onUpdate?.(call);
      fs.ThroughputMode = call.ThroughputMode;
      if (call.ThroughputMode === 'provisioned') {
        fs.ProvisionedThroughputInMibps = call.ProvisionedThroughputInMibps;
      } else {
        delete fs.ProvisionedThroughputInMibps;
      }
      return structuredClone(fs);
    },
  };
}

/** CloudWatch answering from the recording's get-metric-data output. */
export function recordingMetricsPort(recording: Recording): MetricsPort {
  return {
    resolutionSeconds: recording.meta.periodSeconds,
    async getMetricData({ queries, start, end }) {
      const from = start.getTime();
      const to = end.getTime();
      const wanted = new Set(queries.map((q) => q.id));
      return recordedMetricSeries(recording)
        .filter((r) => wanted.has(r.Id))
        .map((r) => {
          const timestamps: string[] = [];
          const values: number[] = [];
          const ts = r.Timestamps ?? [];
          for (let i = 0; i < ts.length; i++) {
            const t = ts[i];
            const v = r.Values?.[i];
            if (t === undefined || v === undefined) continue;
            const ms = toEpochMs(t);
            // GetMetricData's EndTime is exclusive.
            if (ms < from || ms >= to) continue;
            timestamps.push(new Date(ms).toISOString());
            values.push(v);
          }
          return { ...r, Timestamps: timestamps, Values: values };
        });
    },
  };
}

/**
 * Logs Insights answering what the recording's
 * cloudwatch-logs-insights.json holds; undefined when it holds none, so the
 * collector counts from the metric filters as it did when recorded.
 */
export function recordingLogsInsightsPort(
  recording: Recording,
): LogsInsightsPort | undefined {
  const recorded = recording.logsInsights;
  if (!recorded) return undefined;
  return {
    async query() {
      return structuredClone(recorded);
    },
  };
}

/**
 * ClickHouse answering from the recording's snapshot, or its error.txt;
 * its replicas from `clickhouse/replicas/<name>/`, when it has any.
 */
export function recordingClickHousePort(recording: Recording): ClickHousePort {
  const port = recordedSnapshotPort(recording.clickhouse);
  const replicas = recording.clickhouse.replicas;
  if (!replicas?.length) return port;
  return {
    ...port,
    async replicas() {
      return replicas.map((replica) => ({
        name: replica.name,
        port: recordedSnapshotPort(replica),
      }));
    },
  };
}

/** One recorded server's snapshot. */
function recordedSnapshotPort(recorded: RecordedSnapshot): ClickHousePort {
  return {
    async snapshot() {
      if (recorded.error) {
        throw new SourceUnavailableError(recorded.error);
      }
      const results: Awaited<
        ReturnType<ClickHousePort['snapshot']>
      >['results'] = {};
      for (const name of SNAPSHOT_QUERY_NAMES) {
        const rows = recorded.results[name as SnapshotQueryName];
        // A query added after the recording was made was never asked.
        if (!rows && LATER_QUERY_NAMES.has(name)) continue;
        results[name] = rows
          ? { ok: true, rows }
          : { ok: false, reason: `${name}.jsonl is not in the recording` };
      }
      return { elapsedMs: 0, results };
    },
  };
}
