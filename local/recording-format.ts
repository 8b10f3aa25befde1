/**
 * The recording format, version 1 (docs/recording-format.md): a directory
 * holding what the AWS CLI prints for the file system and its metrics, the
 * trigger, and ClickHouse's snapshot queries as JSONEachRow. `replay` runs
 * the whole runbook on one; `record` writes one from live AWS and ClickHouse.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import {
  describeFileSystemsOutputSchema,
  type GetQueryResultsOutput,
  getMetricDataOutputSchema,
  getQueryResultsOutputSchema,
  type MetricDataResult,
} from '../shared/domain/aws-shapes.ts';
import {
  fileSystemIdSchema,
  isoTimeSchema,
  METRIC_IDS,
} from '../shared/domain/contracts.ts';
import { RecordingError } from '../shared/domain/errors.ts';
import {
  SNAPSHOT_QUERY_NAMES,
  type SnapshotQueryName,
} from '../shared/domain/ports.ts';
import { parseInsightsTime } from '../shared/domain/sources/langfuse-logs.ts';
import {
  LANGFUSE_LOG_SIGNALS,
  type LogSignal,
  type LogSignalId,
} from '../shared/domain/sources/langfuse-patterns.ts';

export const RECORDING_VERSION = 1;

export const metaSchema = z.object({
  version: z.literal(RECORDING_VERSION),
  fileSystemId: fileSystemIdSchema,
  region: z.string().check(z.minLength(1)),
  periodSeconds: z.number().check(z.int(), z.gte(60)),
  start: isoTimeSchema,
  end: isoTimeSchema,
  /**
   * Added in format 1 without a version change (older readers ignore it):
   * the Langfuse worker log groups the Logs Insights query ran over.
   */
  langfuseLogGroups: z.optional(z.array(z.string())),
  /**
   * Added in format 1 without a version change: how the Langfuse log-line
   * series were counted. `metric-filters`: the filters' own series in
   * cloudwatch-get-metric-data.json. `logs-insights`: those series held no
   * datapoint over the window (the filters did not exist yet, or matched
   * nothing), so the lines were counted with Logs Insights
   * (cloudwatch-logs-insights-lines.json). Absent in older recordings:
   * metric filters.
   */
  langfuseLinesCountedBy: z.optional(
    z.enum(['metric-filters', 'logs-insights']),
  ),
});
export type RecordingMeta = z.infer<typeof metaSchema>;

/** A recording in memory; the files of the directory, parsed. */
export type Recording = {
  meta: RecordingMeta;
  /** The EventBridge alarm event, or the manual input object. */
  trigger: unknown;
  describeFileSystems: z.infer<typeof describeFileSystemsOutputSchema>;
  metricData: z.infer<typeof getMetricDataOutputSchema>;
  /**
   * What `aws logs get-query-results` printed for the dropped-records query
   * over the window (cloudwatch-logs-insights.json), when it was run.
   */
  logsInsights?: GetQueryResultsOutput;
  /**
   * What `aws logs get-query-results` printed for each Langfuse log signal's
   * line count ({@link langfuseLinesQuery}), keyed by its metric Id, when
   * the metric filters' series held nothing for the window.
   */
  langfuseLines?: Partial<Record<LogSignalId, GetQueryResultsOutput>>;
  clickhouse: RecordedSnapshot & {
    /**
     * Each replica of a cluster, from `clickhouse/replicas/<name>/`: the
     * same files as clickhouse/ itself, read from that replica.
     */
    replicas?: (RecordedSnapshot & { name: string })[];
  };
};

/** One server's snapshot files: its rows per query, or its error.txt. */
export type RecordedSnapshot = {
  /** Present when ClickHouse could not be queried: the error, one line. */
  error?: string;
  results: Partial<Record<SnapshotQueryName, Record<string, unknown>[]>>;
};

/** A replica's name as a directory name: letters, digits, `.-_:` only. */
const REPLICA_DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/;

export const RECORDING_FILES = {
  meta: 'meta.json',
  trigger: 'trigger.json',
  describeFileSystems: 'efs-describe-file-systems.json',
  metricData: 'cloudwatch-get-metric-data.json',
  logsInsights: 'cloudwatch-logs-insights.json',
  langfuseLines: 'cloudwatch-logs-insights-lines.json',
  clickhouseDir: 'clickhouse',
  clickhouseError: 'error.txt',
  clickhouseReplicasDir: 'replicas',
} as const;

async function readJson(dir: string, file: string): Promise<unknown> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RecordingError(`${path}: missing (a recording needs it)`);
    }
    throw new RecordingError(`${path}: cannot read (${code ?? 'error'})`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RecordingError(`${path}: not valid JSON`, { cause: error });
  }
}

function check<T>(schema: z.ZodMiniType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new RecordingError(
      `${path}: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

/**
 * What a v1 reader takes from cloudwatch-get-metric-data.json beyond its
 * shape: each Id one the format lists (a misspelled Id would otherwise read
 * as a metric that was not available), and as many Values as Timestamps
 * (the i-th value belongs to the i-th time).
 */
export function checkMetricData(
  metricData: Recording['metricData'],
  path: string,
): void {
  const known: readonly string[] = METRIC_IDS;
  for (const result of metricData.MetricDataResults) {
    if (!known.includes(result.Id)) {
      throw new RecordingError(
        `${path}: unknown metric Id "${result.Id}" (a recording's Ids: ${METRIC_IDS.join(', ')})`,
      );
    }
    const times = result.Timestamps?.length ?? 0;
    const values = result.Values?.length ?? 0;
    if (times !== values) {
      throw new RecordingError(
        `${path}: Id "${result.Id}" has ${times} Timestamps but ${values} Values`,
      );
    }
  }
}

/** The field the line-count query names each bin's count. */
export const LINES_FIELD = 'lines';

/**
 * The Logs Insights query that counts a Langfuse log signal's lines per
 * bin as its metric filters would have (one per matching line): each
 * filter's quoted terms must all be in the event (`like "text"` is a
 * case-sensitive substring match, as filter-pattern terms are), any one
 * filter may match. CloudWatch Logs user guide, "filter" and "stats" in
 * the Logs Insights query syntax (`stats count(*) by bin(...)`).
 */
export function langfuseLinesQuery(
  signal: LogSignal,
  binMinutes: number,
): string {
  if (!Number.isInteger(binMinutes) || binMinutes < 1) {
    throw new RangeError(`bin must be whole minutes, got ${binMinutes}`);
  }
  const alternatives = signal.filters.map((filter) => {
    const terms = [...filter.pattern.matchAll(/"([^"\\]*)"/g)].map(
      (m) => `@message like "${m[1]}"`,
    );
    return terms.length > 1 ? `(${terms.join(' and ')})` : terms.join('');
  });
  return [
    `filter ${alternatives.join(' or ')}`,
    `| stats count(*) as ${LINES_FIELD} by bin(${binMinutes}m)`,
  ].join('\n');
}

/**
 * A signal's line counts as the MetricDataResult its metric filters would
 * have published: one datapoint per bin with lines. A row without a bin
 * time or a count is a RecordingError naming the file and the Id.
 */
export function langfuseLinesResult(
  id: LogSignalId,
  output: GetQueryResultsOutput,
  path: string,
): MetricDataResult {
  const signal = LANGFUSE_LOG_SIGNALS.find((s) => s.id === id);
  const timestamps: string[] = [];
  const values: number[] = [];
  for (const row of output.results) {
    const bin = row.find((f) => f.field?.startsWith('bin('))?.value;
    const count = Number(row.find((f) => f.field === LINES_FIELD)?.value);
    const time = bin === undefined ? Number.NaN : parseInsightsTime(bin);
    if (Number.isNaN(time) || !Number.isInteger(count) || count < 0) {
      throw new RecordingError(
        `${path}: Id "${id}": a row needs a bin(...) time and a whole ${LINES_FIELD} count, got ${JSON.stringify(row)}`,
      );
    }
    timestamps.push(new Date(time).toISOString());
    values.push(count);
  }
  return {
    Id: id,
    Label: `${signal?.metricName ?? id} (log lines counted by Logs Insights)`,
    Timestamps: timestamps,
    Values: values,
    StatusCode: output.status === 'Complete' ? 'Complete' : 'PartialData',
  };
}

const langfuseLinesSchema = z.partialRecord(
  z.enum(LANGFUSE_LOG_SIGNALS.map((s) => s.id) as [LogSignalId]),
  getQueryResultsOutputSchema,
);

/** Parses JSONEachRow text; names the file and line of a bad row. */
export function parseJsonLines(
  text: string,
  path: string,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new RecordingError(`${path}:${i + 1}: not a JSON row`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new RecordingError(`${path}:${i + 1}: a row must be an object`);
    }
    rows.push(row as Record<string, unknown>);
  }
  return rows;
}

/** Reads a recording directory; one clear RecordingError when it is wrong. */
export async function readRecording(dir: string): Promise<Recording> {
  const metaPath = join(dir, RECORDING_FILES.meta);
  const meta = check(
    metaSchema,
    await readJson(dir, RECORDING_FILES.meta),
    metaPath,
  );
  const trigger = await readJson(dir, RECORDING_FILES.trigger);
  const describeFileSystems = check(
    describeFileSystemsOutputSchema,
    await readJson(dir, RECORDING_FILES.describeFileSystems),
    join(dir, RECORDING_FILES.describeFileSystems),
  );
  const metricDataPath = join(dir, RECORDING_FILES.metricData);
  const metricData = check(
    getMetricDataOutputSchema,
    await readJson(dir, RECORDING_FILES.metricData),
    metricDataPath,
  );
  checkMetricData(metricData, metricDataPath);
  // Optional: recordings made before it existed, or without log groups,
  // count dropped records from the metric filters.
  const insightsPath = join(dir, RECORDING_FILES.logsInsights);
  const logsInsights = existsSync(insightsPath)
    ? check(
        getQueryResultsOutputSchema,
        await readJson(dir, RECORDING_FILES.logsInsights),
        insightsPath,
      )
    : undefined;
  // Optional: the Langfuse line counts of a window the filters missed.
  const linesPath = join(dir, RECORDING_FILES.langfuseLines);
  const langfuseLines = existsSync(linesPath)
    ? readLangfuseLines(
        await readJson(dir, RECORDING_FILES.langfuseLines),
        linesPath,
      )
    : undefined;
  const chDir = join(dir, RECORDING_FILES.clickhouseDir);
  let clickhouse: Recording['clickhouse'];
  if (existsSync(chDir)) {
    clickhouse = await readSnapshotDir(chDir);
    const replicasDir = join(chDir, RECORDING_FILES.clickhouseReplicasDir);
    if (existsSync(replicasDir)) {
      const replicas: NonNullable<Recording['clickhouse']['replicas']> = [];
      for (const name of (await readdir(replicasDir)).sort()) {
        // Another file, or a name no replica has: not this format's.
        if (!REPLICA_DIR_NAME.test(name)) continue;
        const replicaDir = join(replicasDir, name);
        if (!(await stat(replicaDir)).isDirectory()) continue;
        replicas.push({ name, ...(await readSnapshotDir(replicaDir)) });
      }
      if (replicas.length) clickhouse.replicas = replicas;
    }
  } else {
    clickhouse = {
      error: 'the recording holds no clickhouse/ snapshot',
      results: {},
    };
  }
  return {
    meta,
    trigger,
    describeFileSystems,
    metricData,
    ...(logsInsights ? { logsInsights } : {}),
    ...(langfuseLines ? { langfuseLines } : {}),
    clickhouse,
  };
}

/** A directory of snapshot files: `<query>.jsonl` and error.txt. */
async function readSnapshotDir(chDir: string): Promise<RecordedSnapshot> {
  const snapshot: RecordedSnapshot = { results: {} };
  for (const name of await readdir(chDir)) {
    const path = join(chDir, name);
    if (name === RECORDING_FILES.clickhouseError) {
      const text = (await readFile(path, 'utf8')).trim();
      snapshot.error = text.split('\n')[0] || 'ClickHouse was unreachable';
      continue;
    }
    const query = name.replace(/\.jsonl$/, '') as SnapshotQueryName;
    // A v1 reader ignores files it does not know.
    if (!name.endsWith('.jsonl') || !SNAPSHOT_QUERY_NAMES.includes(query)) {
      continue;
    }
    snapshot.results[query] = parseJsonLines(
      await readFile(path, 'utf8'),
      path,
    );
  }
  return snapshot;
}

/** cloudwatch-logs-insights-lines.json, each signal's rows checked. */
function readLangfuseLines(
  raw: unknown,
  path: string,
): NonNullable<Recording['langfuseLines']> {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const known: readonly string[] = LANGFUSE_LOG_SIGNALS.map((s) => s.id);
    const unknown = Object.keys(raw).find((key) => !known.includes(key));
    if (unknown !== undefined) {
      throw new RecordingError(
        `${path}: unknown metric Id "${unknown}" (its Ids: ${known.join(', ')})`,
      );
    }
  }
  const lines = check(langfuseLinesSchema, raw, path);
  for (const [id, output] of Object.entries(lines)) {
    langfuseLinesResult(id as LogSignalId, output, path);
  }
  return lines;
}

/** Writes a recording directory in format v1. */
export async function writeRecording(
  dir: string,
  recording: Recording,
): Promise<string[]> {
  const written: string[] = [];
  const put = async (file: string, text: string) => {
    await writeFile(join(dir, file), text);
    written.push(file);
  };
  const writeSnapshotDir = async (
    chDir: string,
    snapshot: RecordedSnapshot,
  ) => {
    if (snapshot.error) {
      await put(
        join(chDir, RECORDING_FILES.clickhouseError),
        `${snapshot.error.replace(/\s+/g, ' ').trim()}\n`,
      );
    }
    for (const [name, rows] of Object.entries(snapshot.results)) {
      const text = rows.map((row) => JSON.stringify(row)).join('\n');
      await put(join(chDir, `${name}.jsonl`), rows.length ? `${text}\n` : '');
    }
  };
  await mkdir(join(dir, RECORDING_FILES.clickhouseDir), { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await put(RECORDING_FILES.meta, json(recording.meta));
  await put(RECORDING_FILES.trigger, json(recording.trigger));
  await put(
    RECORDING_FILES.describeFileSystems,
    json(recording.describeFileSystems),
  );
  await put(RECORDING_FILES.metricData, json(recording.metricData));
  if (recording.logsInsights) {
    await put(RECORDING_FILES.logsInsights, json(recording.logsInsights));
  }
  if (recording.langfuseLines) {
    await put(RECORDING_FILES.langfuseLines, json(recording.langfuseLines));
  }
  await writeSnapshotDir(RECORDING_FILES.clickhouseDir, recording.clickhouse);
  const seen = new Set<string>();
  for (const replica of recording.clickhouse.replicas ?? []) {
    // Two replicas under one name would overwrite each other's files.
    if (seen.has(replica.name)) {
      throw new RecordingError(
        `replica name ${JSON.stringify(replica.name)} is given twice: each replica needs a name of its own`,
      );
    }
    seen.add(replica.name);
    if (!REPLICA_DIR_NAME.test(replica.name)) {
      throw new RecordingError(
        `replica name ${JSON.stringify(replica.name)}: not a directory name (letters, digits, . - _ : only)`,
      );
    }
    const replicaDir = join(
      RECORDING_FILES.clickhouseDir,
      RECORDING_FILES.clickhouseReplicasDir,
      replica.name,
    );
    await mkdir(join(dir, replicaDir), { recursive: true });
    await writeSnapshotDir(replicaDir, replica);
  }
  return written;
}
