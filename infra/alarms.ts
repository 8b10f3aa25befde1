/**
 * The CloudWatch alarms that start the runbook, per configured file system:
 * EFS burst credits, IO limit and throughput utilization, and Langfuse's
 * "dropped records" and "ClickHouse write timeout" log lines turned into
 * metrics by log metric filters.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { AppConfig } from '../shared/domain/config.ts';
import { FILE_SYSTEM_TAG } from '../shared/domain/contracts.ts';
import {
  LANGFUSE_LOG_SIGNALS,
  type LogSignalId,
  langfuseNamespace,
} from '../shared/domain/sources/langfuse-patterns.ts';

const TIB_BYTES = 1024 ** 4;

/**
 * Alarm thresholds. Burst credits: a file system under 1 TiB starts with,
 * and tops out at, 2.1 TiB of credits (EFS user guide, "Performance").
 * 1 TiB left is about 2.9 hours of bursting at 100 MiB/s over a 1 MiB/s
 * baseline (1,048,576 MiB / 99 MiB/s): time to decide on Elastic before
 * the credits run out. A lower threshold leaves minutes; a higher one
 * fires on a new file system still spending its initial balance.
 */
export const ALARM_THRESHOLDS = {
  burstCreditBalanceLowBytes: TIB_BYTES,
  percentIoLimit: 95,
  throughputUtilizationPercent: 90,
} as const;

/**
 * Throughput utilization as the EFS console computes it (CloudWatch user
 * guide, `monitoring-metric-math.md`): PermittedThroughput summed over a
 * 60 s period equals its per-second value, so e2 is MiB/s as is.
 */
export const UTILIZATION_EXPRESSIONS = {
  e1: '(m1/1048576)/PERIOD(m1)',
  e2: 'm2/1048576',
  utilization: 'e1*100/e2',
} as const;

/**
 * How the Langfuse log alarms evaluate: 1 breaching minute out of the last
 * 5. CloudWatch user guide, "Evaluating an alarm": an alarm is in ALARM
 * when at least DatapointsToAlarm of the last EvaluationPeriods datapoints
 * breach (they need not be consecutive), and goes back to OK once fewer do;
 * with TreatMissingData `notBreaching` a minute without a matching log line
 * counts as not breaching ("Configuring how CloudWatch alarms treat missing
 * data").
 *
 * So one matching line still raises the alarm within a minute, as before,
 * but the alarm goes OK only after 5 quiet minutes in a row: a writer that
 * drops records every other minute keeps it in ALARM instead of flapping
 * OK/ALARM, each flap a new incident. A larger M (3 of 5) would do worse
 * on both counts: it needs three bad minutes to alarm, and it goes OK as
 * soon as fewer than three of the last five minutes breach, so a burst of
 * exactly three bad minutes goes OK after three quiet minutes (when its
 * first bad minute leaves the five-minute window), not five. The incident's own
 * quiet period (`incidentQuietMinutes`) comes on top of this.
 */
export const LANGFUSE_ALARM_EVALUATION = {
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 1,
} as const;

export type AlarmKind =
  | 'burst-credit-balance-low'
  | 'percent-io-limit-high'
  | 'throughput-utilization-high'
  | 'langfuse-dropped-records'
  | 'langfuse-clickhouse-timeouts';

/** Alarms on the log-filter metrics (Langfuse's own metric has none). */
const LANGFUSE_ALARM_KIND: Record<LogSignalId, AlarmKind> = {
  langfuse_dropped_records: 'langfuse-dropped-records',
  langfuse_clickhouse_timeouts: 'langfuse-clickhouse-timeouts',
};

export type WatchedAlarm = {
  /** The alarm's name, as in the alarm state change event. */
  name: string;
  kind: AlarmKind;
  fileSystemId: string;
  alarm: aws.cloudwatch.MetricAlarm;
};

export type AlarmsArgs = {
  /** `<app>-<stage>`, the start of every alarm name. */
  prefix: string;
  config: AppConfig;
  /**
   * Langfuse worker log groups per file system id. A file system without
   * log groups gets no Langfuse filters or alarms.
   */
  langfuseLogGroups: Record<string, readonly string[]>;
  tags?: Record<string, string>;
};

export type RunbookAlarms = {
  alarms: WatchedAlarm[];
  metricFilters: aws.cloudwatch.LogMetricFilter[];
};

/** A Pulumi logical name part from a log group name (`/ecs/x` -> `ecs-x`). */
function slug(text: string): string {
  return text
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/**
 * Creates the alarms and log metric filters for every configured file
 * system. Alarms carry the `burstguard:file-system-id` tag; the EFS ones
 * also name it in their FileSystemId dimension, which Normalize reads
 * first.
 */
export function createAlarms(
  args: AlarmsArgs,
  opts?: pulumi.CustomResourceOptions,
): RunbookAlarms {
  const alarms: WatchedAlarm[] = [];
  const metricFilters: aws.cloudwatch.LogMetricFilter[] = [];

  for (const fs of args.config.fileSystems) {
    const fileSystemId = fs.fileSystemId;
    const label = fs.name ? `${fs.name} (${fileSystemId})` : fileSystemId;
    const tags = { ...args.tags, [FILE_SYSTEM_TAG]: fileSystemId };
    const dimensions = { FileSystemId: fileSystemId };
    const alarmName = (kind: AlarmKind) =>
      `${args.prefix}-${fileSystemId}-${kind}`;
    const add = (
      kind: AlarmKind,
      alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, 'name' | 'tags'>,
    ) => {
      const name = alarmName(kind);
      const alarm = new aws.cloudwatch.MetricAlarm(
        name,
        {
          name,
          // Missing data is no incident: the metric is absent when there
          // is no IO, in modes without credits, or with no matching line.
          treatMissingData: 'notBreaching',
          ...alarmArgs,
          tags,
        },
        opts,
      );
      alarms.push({ name, kind, fileSystemId, alarm });
    };

    add('burst-credit-balance-low', {
      alarmDescription: `${label}: EFS burst credits below 1 TiB; at zero, throughput falls to the baseline and ClickHouse starves`,
      namespace: 'AWS/EFS',
      metricName: 'BurstCreditBalance',
      dimensions,
      statistic: 'Minimum',
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: 'LessThanThreshold',
      threshold: ALARM_THRESHOLDS.burstCreditBalanceLowBytes,
    });

    add('percent-io-limit-high', {
      alarmDescription: `${label}: EFS near its General Purpose IO limit`,
      namespace: 'AWS/EFS',
      metricName: 'PercentIOLimit',
      dimensions,
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: ALARM_THRESHOLDS.percentIoLimit,
    });

    add('throughput-utilization-high', {
      alarmDescription: `${label}: EFS metered throughput at 90% or more of PermittedThroughput for 10 of 15 minutes`,
      // 10 of 15 one-minute points: a sustained ceiling, not a busy minute.
      evaluationPeriods: 15,
      datapointsToAlarm: 10,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: ALARM_THRESHOLDS.throughputUtilizationPercent,
      metricQueries: [
        {
          id: 'm1',
          metric: {
            namespace: 'AWS/EFS',
            metricName: 'MeteredIOBytes',
            dimensions,
            period: 60,
            stat: 'Sum',
          },
          returnData: false,
        },
        {
          id: 'm2',
          metric: {
            namespace: 'AWS/EFS',
            metricName: 'PermittedThroughput',
            dimensions,
            period: 60,
            stat: 'Sum',
          },
          returnData: false,
        },
        {
          id: 'e1',
          expression: UTILIZATION_EXPRESSIONS.e1,
          label: 'Metered throughput (MiB/s)',
          returnData: false,
        },
        {
          id: 'e2',
          expression: UTILIZATION_EXPRESSIONS.e2,
          label: 'Permitted throughput (MiB/s)',
          returnData: false,
        },
        {
          id: 'utilization',
          expression: UTILIZATION_EXPRESSIONS.utilization,
          label: 'Throughput utilization (%)',
          returnData: true,
        },
      ],
    });

    const logGroups = args.langfuseLogGroups[fileSystemId] ?? [];
    if (logGroups.length === 0) continue;
    const namespace = langfuseNamespace(
      args.config.langfuseMetricNamespace,
      fileSystemId,
    );
    for (const logGroupName of logGroups) {
      for (const signal of LANGFUSE_LOG_SIGNALS) {
        for (const filter of signal.filters) {
          const name = `${args.prefix}-${fileSystemId}-${filter.name}`;
          metricFilters.push(
            new aws.cloudwatch.LogMetricFilter(
              `${name}-${slug(logGroupName)}`,
              {
                name,
                logGroupName,
                pattern: filter.pattern,
                // No default value: minutes without a match publish
                // nothing, so the alarm's missing data stays notBreaching.
                metricTransformation: {
                  name: signal.metricName,
                  namespace,
                  value: '1',
                },
              },
              opts,
            ),
          );
        }
      }
    }
    for (const signal of LANGFUSE_LOG_SIGNALS) {
      add(LANGFUSE_ALARM_KIND[signal.id], {
        alarmDescription: `${label}: Langfuse logged ${signal.metricName} (${signal.filters.map((f) => f.example).join(' | ')})`,
        namespace,
        metricName: signal.metricName,
        statistic: 'Sum',
        period: LANGFUSE_ALARM_EVALUATION.periodSeconds,
        evaluationPeriods: LANGFUSE_ALARM_EVALUATION.evaluationPeriods,
        datapointsToAlarm: LANGFUSE_ALARM_EVALUATION.datapointsToAlarm,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
      });
    }
  }

  return { alarms, metricFilters };
}

/**
 * The runtime configuration with each file system's Langfuse alarms added
 * to its `alarmNames`. Those alarms have no FileSystemId dimension, and
 * CloudWatch puts alarm tags in state change events only when tag
 * propagation is turned on (CloudWatch user guide, "Alarm tags in action
 * payloads"), which the Pulumi provider cannot set; the name is what
 * Normalize can rely on.
 */
export function withAlarmNames(
  config: AppConfig,
  alarms: readonly Pick<WatchedAlarm, 'name' | 'kind' | 'fileSystemId'>[],
): AppConfig {
  return {
    ...config,
    fileSystems: config.fileSystems.map((fs) => {
      const added = alarms
        .filter(
          (a) =>
            a.fileSystemId === fs.fileSystemId &&
            a.kind.startsWith('langfuse-'),
        )
        .map((a) => a.name);
      return {
        ...fs,
        alarmNames: [...new Set([...fs.alarmNames, ...added])],
      };
    }),
  };
}
