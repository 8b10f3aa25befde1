/**
 * `burstguard record`: writes a recording from live AWS and ClickHouse.
 * Credentials come from the usual AWS chain; the ClickHouse password from
 * CLICKHOUSE_PASSWORD (never a flag, so it stays out of shell history).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EFSClient } from '@aws-sdk/client-efs';
import { captureRecording } from '../../local/capture.ts';
import { writeRecording } from '../../local/recording-format.ts';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { createLogsInsightsPort } from '../../shared/adapters/aws-logs-insights.ts';
import {
  fileSystemIdSchema,
  WINDOW_MINUTES,
  windowMinutesSchema,
} from '../../shared/domain/contracts.ts';
import type {
  ClickHousePort,
  EfsPort,
  LogsInsightsPort,
  MetricsPort,
} from '../../shared/domain/ports.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import {
  type Io,
  parsePastTimeFlag,
  parseWindowMinutes,
  UsageError,
} from '../output.ts';

/** The window `record` reads without --window-minutes or --from/--to. */
export const DEFAULT_RECORD_WINDOW_MINUTES = 180;

export type RecordOptions = {
  fileSystemId?: string;
  out?: string;
  /** Minutes up to now; not with `from`/`to`. */
  windowMinutes?: string;
  /** A past window, ISO 8601: both or neither. */
  from?: string;
  to?: string;
  region?: string;
  clickhouseUrl?: string;
  clickhouseUser?: string;
  /** The Langfuse worker's log groups, for the exact dropped-record count. */
  langfuseLogGroups?: string[];
};

/**
 * The window to record: the last `windowMinutes` up to now, or the past
 * window `from`..`to`, whole minutes inside WINDOW_MINUTES.
 */
export function recordWindow(
  options: Pick<RecordOptions, 'windowMinutes' | 'from' | 'to'>,
  now: Date,
): { windowMinutes: number; end?: Date } {
  if (options.from === undefined && options.to === undefined) {
    return {
      windowMinutes: parseWindowMinutes(
        options.windowMinutes ?? DEFAULT_RECORD_WINDOW_MINUTES,
      ),
    };
  }
  if (options.windowMinutes !== undefined) {
    throw new UsageError(
      '--window-minutes and --from/--to contradict each other: give the window one way',
    );
  }
  if (options.from === undefined || options.to === undefined) {
    throw new UsageError(
      `--from and --to go together: ${options.from === undefined ? '--from' : '--to'} is missing`,
    );
  }
  const from = parsePastTimeFlag('--from', options.from, now);
  const to = parsePastTimeFlag('--to', options.to, now);
  const minutes = (to.getTime() - from.getTime()) / 60_000;
  if (!windowMinutesSchema.safeParse(minutes).success) {
    throw new UsageError(
      `--from and --to must be a whole number of minutes apart, from ${WINDOW_MINUTES.min} to ${WINDOW_MINUTES.max}, not ${minutes}`,
    );
  }
  return { windowMinutes: minutes, end: to };
}

/**
 * `--clickhouse-url`: an http(s) URL without credentials (the password
 * comes from CLICKHOUSE_PASSWORD, never the command line).
 */
export function checkClickHouseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `--clickhouse-url: ${url} is not a URL (e.g. https://clickhouse.internal:8443)`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(
      `--clickhouse-url: ${parsed.protocol} is not http or https`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(
      '--clickhouse-url: must carry no credentials; the password comes from CLICKHOUSE_PASSWORD',
    );
  }
  return url;
}

export async function runRecord(
  options: RecordOptions,
  io: Io,
  ports?: {
    efs: EfsPort;
    metrics: MetricsPort;
    clickhouse?: ClickHousePort;
    logsInsights?: LogsInsightsPort;
  },
): Promise<number> {
  const id = fileSystemIdSchema.safeParse(options.fileSystemId);
  if (!id.success) {
    throw new UsageError(
      `--file-system: ${options.fileSystemId ? 'must look like fs-0123456789abcdef0' : 'is required'}`,
    );
  }
  if (!options.out) throw new UsageError('--out: a directory is required');
  const now = new Date();
  const { windowMinutes, end } = recordWindow(options, now);
  if (options.clickhouseUrl !== undefined) {
    checkClickHouseUrl(options.clickhouseUrl);
  }
  const region =
    options.region ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    'us-east-1';
  const clientOptions = awsClientOptions(region);
  const live = ports ?? {
    efs: createEfsPort(new EFSClient(clientOptions)),
    metrics: createMetricsPort(new CloudWatchClient(clientOptions)),
    logsInsights: createLogsInsightsPort(
      new CloudWatchLogsClient(clientOptions),
    ),
    clickhouse: options.clickhouseUrl
      ? (
          await import('../../shared/adapters/clickhouse-http.ts')
        ).createClickHouseHttpPort({
          url: options.clickhouseUrl,
          username: options.clickhouseUser ?? 'default',
          password: process.env.CLICKHOUSE_PASSWORD,
          timeoutMs: 5_000,
        })
      : undefined,
  };
  const recording = await captureRecording({
    fileSystemId: id.data,
    region,
    windowMinutes,
    now,
    ...(end ? { end } : {}),
    langfuseMetricNamespace:
      process.env.BURSTGUARD_LANGFUSE_NAMESPACE ?? 'Burstguard/Langfuse',
    ...live,
    langfuseLogGroups: options.langfuseLogGroups ?? [],
    progress: (line) => io.err(`  … ${line}\n`),
  });
  // Idle ClickHouse sockets would keep the process alive a while.
  await (
    live.clickhouse as { close?: () => Promise<void> } | undefined
  )?.close?.();
  const files = await writeRecording(options.out, recording);
  io.err(`wrote ${files.length} files to ${options.out}\n`);
  io.out(`${options.out}\n`);
  return 0;
}

/** `burstguard record`. */
export const recordCommand = defineCommand(
  {
    name: 'record',
    summary:
      'captures a recording (format v1) of a file system from live AWS and ClickHouse, for replay',
    flags: {
      'file-system': {
        type: 'string',
        required: true,
        value: 'ID',
        help: 'the EFS file system (fs-...)',
      },
      out: {
        type: 'string',
        required: true,
        value: 'DIR',
        help: 'the directory to write the recording to',
      },
      'window-minutes': {
        type: 'string',
        value: 'N',
        help: `record the last N minutes, ${WINDOW_MINUTES.min} to ${WINDOW_MINUTES.max} (default ${DEFAULT_RECORD_WINDOW_MINUTES})`,
      },
      from: {
        type: 'string',
        value: 'ISO',
        help: "a past incident's window start, ISO 8601 with a zone (with --to)",
      },
      to: {
        type: 'string',
        value: 'ISO',
        help: "a past incident's window end, ISO 8601 with a zone (with --from)",
      },
      region: {
        type: 'string',
        value: 'R',
        help: 'the AWS region (default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)',
      },
      'clickhouse-url': {
        type: 'string',
        value: 'URL',
        help: "ClickHouse's HTTP(S) endpoint; without it the recording says ClickHouse was not read",
      },
      'clickhouse-user': {
        type: 'string',
        value: 'NAME',
        help: 'a read-only ClickHouse user (default default); the password comes from CLICKHOUSE_PASSWORD',
      },
      'langfuse-log-group': {
        type: 'string',
        value: 'NAME',
        multiple: true,
        help: "a Langfuse worker log group: the exact dropped-record count with Logs Insights, and the lines counted there when the metric filters' series are empty for the window",
      },
    },
    conflicts: [
      {
        flags: ['window-minutes', 'from'],
        why: 'give the window as minutes up to now, or as --from and --to',
      },
      {
        flags: ['window-minutes', 'to'],
        why: 'give the window as minutes up to now, or as --from and --to',
      },
    ],
    needs: [
      {
        flag: 'clickhouse-user',
        needs: 'clickhouse-url',
        why: 'without an endpoint no ClickHouse is read',
      },
    ],
    notes: [
      'Environment: AWS credentials from the usual chain; CLICKHOUSE_PASSWORD; BURSTGUARD_LANGFUSE_NAMESPACE (default Burstguard/Langfuse).',
    ],
  },
  async ({ values }, io) =>
    runRecord(
      {
        fileSystemId: stringFlag(values, 'file-system'),
        out: stringFlag(values, 'out'),
        windowMinutes: stringFlag(values, 'window-minutes'),
        from: stringFlag(values, 'from'),
        to: stringFlag(values, 'to'),
        region: stringFlag(values, 'region'),
        clickhouseUrl: stringFlag(values, 'clickhouse-url'),
        clickhouseUser: stringFlag(values, 'clickhouse-user'),
        langfuseLogGroups: (values['langfuse-log-group'] as string[]) ?? [],
      },
      io,
    ),
);
