/**
 * `burstguard advise`: which throughput mode fits a file system's load.
 * Against AWS (`--file-system ID`, the last `--days` of CloudWatch data,
 * prices from the AWS Price List API), or offline on a recording
 * (`--recording DIR`, prices from the built-in dated table, said so).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EFSClient } from '@aws-sdk/client-efs';
import {
  adviseFileSystem,
  advisorSettings,
} from '../../functions/advisor/core.ts';
import {
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import { readRecording } from '../../local/recording-format.ts';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { sdkPriceListPort } from '../../shared/adapters/aws-pricing.ts';
import { type Advice, adviceJson } from '../../shared/domain/advisor/advise.ts';
import { resolvePrices } from '../../shared/domain/advisor/prices.ts';
import { appConfigSchema } from '../../shared/domain/config.ts';
import { fileSystemIdSchema } from '../../shared/domain/contracts.ts';
import type {
  Clock,
  EfsPort,
  MetricsPort,
  PriceListPort,
} from '../../shared/domain/ports.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import { type Io, UsageError } from '../output.ts';

/** The default settings (the configuration's `advisor` defaults). */
const SETTINGS = advisorSettings(
  appConfigSchema.parse({ fileSystems: [{ fileSystemId: 'fs-00000000' }] }),
);

/** Parses `--days`: whole days, 1 to 63 (CloudWatch keeps 5-minute 63). */
export function parseDays(text: string | undefined): number {
  if (text === undefined) return 14;
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < 1 || days > 63) {
    throw new UsageError(
      `--days must be a whole number of days from 1 to 63 (CloudWatch keeps 5-minute data 63 days), not ${JSON.stringify(text)}`,
    );
  }
  return days;
}

export type AdviseSources = {
  efs: Pick<EfsPort, 'describeFileSystem'>;
  metrics: MetricsPort;
  priceList?: PriceListPort;
  clock: Clock;
};

function modeName(m: { mode: string; provisionedMibps?: number }): string {
  return m.mode === 'provisioned'
    ? `Provisioned ${m.provisionedMibps} MiB/s`
    : m.mode === 'elastic'
      ? 'Elastic'
      : 'Bursting';
}

/** The advice for people. */
export function adviceText(advice: Advice): string {
  const r = advice.recommendation;
  const lines = [
    `${advice.fileSystemId}${advice.name ? ` (${advice.name})` : ''}: ${modeName(advice.current)} now, ${advice.window.days} days of ${advice.window.periodSeconds / 60}-minute demand (${Math.round(advice.window.coverage * 100)}% covered)`,
    ...advice.modes.map(
      (m) =>
        `  ${modeName(m).padEnd(26)} $${m.monthlyUsd.toFixed(2).padStart(9)}/month  ${String(m.throttledMinutes).padStart(6)} min throttled${m.lowestCreditPercent !== undefined ? `  credits down to ${m.lowestCreditPercent}%${m.daysOfHeadroom != null ? `, ${m.daysOfHeadroom} days of headroom` : ''}` : ''}`,
    ),
    `advice: ${r.summary} (confidence ${r.confidence.toFixed(2)})`,
    ...r.warnings.map((w) => `  ! ${w}`),
    ...(r.rule24h ? [`  ${r.rule24h}`] : []),
    `prices: ${advice.prices.region} of ${advice.prices.asOf}, ${advice.prices.source}${advice.prices.estimate ? ' (an estimate)' : ''}${advice.prices.note ? `; ${advice.prices.note}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs the advice on the given sources and prints it. */
export async function runAdvise(
  options: {
    fileSystemId: string;
    region: string;
    days: number;
    json: boolean;
    end?: Date;
  },
  sources: AdviseSources,
  io: Io,
): Promise<number> {
  const prices = await resolvePrices({
    region: options.region,
    clock: sources.clock,
    ...(sources.priceList ? { priceList: sources.priceList } : {}),
  });
  const advice = await adviseFileSystem({
    efs: sources.efs,
    metrics: sources.metrics,
    fileSystemId: options.fileSystemId,
    end: options.end ?? sources.clock.now(),
    days: options.days,
    prices,
    settings: SETTINGS,
  });
  const json = adviceJson(advice);
  io.out(
    options.json ? `${JSON.stringify(json, null, 2)}\n` : adviceText(json),
  );
  return 0;
}

/** `burstguard advise`. */
export const adviseCommand = defineCommand(
  {
    name: 'advise',
    summary:
      'simulates each EFS throughput mode on the observed demand and says which fits, with its monthly cost, the minutes it would have throttled and a confidence',
    flags: {
      'file-system': {
        type: 'string',
        value: 'ID',
        help: 'the file system to advise on, read from AWS (EFS and CloudWatch)',
      },
      recording: {
        type: 'string',
        value: 'DIR',
        help: 'advise offline on a recording instead (prices from the built-in dated table)',
      },
      days: {
        type: 'string',
        value: 'N',
        help: 'days of demand to read from CloudWatch (default 14; 1-minute data up to 15 days, 5-minute beyond, up to 63)',
      },
      region: {
        type: 'string',
        value: 'R',
        help: 'the AWS region (default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)',
      },
      json: {
        type: 'boolean',
        help: 'print {fileSystemId, current, modes, recommendation, ...} as JSON',
      },
    },
    conflicts: [
      {
        flags: ['file-system', 'recording'],
        why: 'advise on one: a live file system or a recording',
      },
      {
        flags: ['days', 'recording'],
        why: 'a recording holds its own window',
      },
      {
        flags: ['region', 'recording'],
        why: 'a recording names its region in meta.json',
      },
    ],
    notes: [
      'Prices come from the AWS Price List API (pricing:GetProducts) when it answers, else from the built-in dated table, and the output says which.',
    ],
  },
  async ({ values }, io) => {
    const recordingDir = stringFlag(values, 'recording');
    const json = values.json === true;
    if (recordingDir) {
      const recording = await readRecording(recordingDir);
      const end = new Date(recording.meta.end);
      const start = new Date(recording.meta.start);
      return runAdvise(
        {
          fileSystemId: recording.meta.fileSystemId,
          region: recording.meta.region,
          // The recording's whole window, in days.
          days: (end.getTime() - start.getTime()) / 86_400_000,
          json,
          end,
        },
        {
          efs: recordingEfsPort(recording),
          metrics: recordingMetricsPort(recording),
          clock: { now: () => end },
        },
        io,
      );
    }
    const id = stringFlag(values, 'file-system');
    if (!id) {
      throw new UsageError(
        'advise needs --file-system ID (live AWS) or --recording DIR (offline)',
      );
    }
    if (!fileSystemIdSchema.safeParse(id).success) {
      throw new UsageError(
        `--file-system must be an EFS file system id like fs-0123456789abcdef0, not ${JSON.stringify(id)}`,
      );
    }
    const days = parseDays(stringFlag(values, 'days'));
    const region =
      stringFlag(values, 'region') ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION ??
      'us-east-1';
    const clientOptions = awsClientOptions(region);
    return runAdvise(
      { fileSystemId: id, region, days, json },
      {
        efs: createEfsPort(new EFSClient(clientOptions)),
        metrics: createMetricsPort(new CloudWatchClient(clientOptions)),
        priceList: sdkPriceListPort(),
        clock: { now: () => new Date() },
      },
      io,
    );
  },
);
