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
import { fileSystemIdSchema } from '../../shared/domain/contracts.ts';
import type {
  ClickHousePort,
  EfsPort,
  LogsInsightsPort,
  MetricsPort,
} from '../../shared/domain/ports.ts';
import {
  type Io,
  parseFlags,
  parseWindowMinutes,
  UsageError,
} from '../output.ts';

export type RecordOptions = {
  fileSystemId?: string;
  out?: string;
  windowMinutes: string;
  region?: string;
  clickhouseUrl?: string;
  clickhouseUser: string;
  /** The Langfuse worker's log groups, for the exact dropped-record count. */
  langfuseLogGroups?: string[];
};

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
  const windowMinutes = parseWindowMinutes(options.windowMinutes);
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
          username: options.clickhouseUser,
          password: process.env.CLICKHOUSE_PASSWORD,
          timeoutMs: 5_000,
        })
      : undefined,
  };
  const recording = await captureRecording({
    fileSystemId: id.data,
    region,
    windowMinutes,
    now: new Date(),
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

/** The command line of `burstguard record`. */
export async function recordCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    'file-system': { type: 'string' },
    out: { type: 'string' },
    'window-minutes': { type: 'string', default: '180' },
    region: { type: 'string' },
    'clickhouse-url': { type: 'string' },
    'clickhouse-user': { type: 'string', default: 'default' },
    'langfuse-log-group': { type: 'string', multiple: true },
  });
  return runRecord(
    {
      fileSystemId: values['file-system'] as string | undefined,
      out: values.out as string | undefined,
      windowMinutes: String(values['window-minutes']),
      region: values.region as string | undefined,
      clickhouseUrl: values['clickhouse-url'] as string | undefined,
      clickhouseUser: String(values['clickhouse-user']),
      langfuseLogGroups: (values['langfuse-log-group'] as string[]) ?? [],
    },
    io,
  );
}
