import { describe, expect, it } from 'vitest';
import { normalizeTrigger } from '../../functions/normalize/core.ts';
import {
  ALARM_THRESHOLDS,
  type AlarmsArgs,
  createAlarms,
  withAlarmNames,
} from '../../infra/alarms.ts';
import {
  LANGFUSE_LOG_SIGNALS,
  langfuseNamespace,
} from '../../shared/domain/sources/langfuse-patterns.ts';
import {
  FS_ID,
  logPatternAlarm,
  OTHER_FS_ID,
} from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import { type AlarmInputs, alarmSeries } from '../support/metric-math.ts';
import { ofType, type Registered, synth, TYPE } from './pulumi-mocks.ts';

const { ALARM, FILTER } = TYPE;
const LOG_GROUPS = ['/ecs/langfuse-worker', '/ecs/langfuse-worker-2'];
const MiB = 1024 * 1024;

type MetricQuery = {
  id: string;
  metric?: { metricName: string };
  label?: string;
  returnData: boolean;
};

async function synthAlarms(overrides: Partial<AlarmsArgs> = {}) {
  return synth(() =>
    createAlarms({
      prefix: 'burstguard-test',
      config: testConfig(),
      langfuseLogGroups: { [FS_ID]: LOG_GROUPS },
      ...overrides,
    }),
  );
}

function alarmNamed(resources: Registered[], name: string): Registered {
  const alarm = ofType(resources, ALARM).find((r) => r.inputs.name === name);
  if (!alarm) throw new Error(`no alarm ${name}`);
  return alarm;
}

describe('createAlarms', () => {
  it('computes throughput utilization exactly as the EFS console does', async () => {
    // Prepare / Act
    const { resources } = await synthAlarms();

    // Assess: the console's "Percentage of permitted throughput
    // utilization" (CloudWatch user guide, monitoring-metric-math.md) reads
    // MeteredIOBytes and PermittedThroughput, both summed over 60 s, and
    // returns one series, the percentage of the permitted throughput that
    // the metered bytes per second make.
    const alarm = alarmNamed(
      resources,
      `burstguard-test-${FS_ID}-throughput-utilization-high`,
    );
    const queries = alarm.inputs.metricQueries as MetricQuery[];
    const data = queries.filter((q) => q.metric);
    expect(data.map((q) => q.metric)).toEqual(
      ['MeteredIOBytes', 'PermittedThroughput'].map((metricName) => ({
        namespace: 'AWS/EFS',
        metricName,
        dimensions: { FileSystemId: FS_ID },
        period: 60,
        stat: 'Sum',
      })),
    );
    expect(queries.map((q) => [q.label, q.returnData])).toEqual([
      [undefined, false],
      [undefined, false],
      ['Metered throughput (MiB/s)', false],
      ['Permitted throughput (MiB/s)', false],
      ['Throughput utilization (%)', true],
    ]);
    // 45 MiB metered in a minute is 0.75 MiB/s: 25% of 3 MiB/s permitted;
    // 90 MiB is 1.5 MiB/s: 100% of 1.5 MiB/s.
    const id = (name: string) =>
      data.find((q) => q.metric?.metricName === name)?.id ?? name;
    const series = alarmSeries(alarm.inputs as AlarmInputs, {
      [id('MeteredIOBytes')]: [45 * MiB, 90 * MiB],
      [id('PermittedThroughput')]: [3 * MiB, 1.5 * MiB],
    });
    expect(series).toEqual([25, 100]);
    expect(alarm.inputs).toMatchObject({
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 90,
      evaluationPeriods: 15,
      datapointsToAlarm: 10,
    });
    expect(alarm.inputs.metricName).toBeUndefined();
  });

  it('alarms on low burst credits and on the IO limit per file system', async () => {
    // Prepare / Act
    const { resources } = await synthAlarms();

    // Assess
    const expected = {
      'burst-credit-balance-low': {
        metricName: 'BurstCreditBalance',
        statistic: 'Minimum',
        comparisonOperator: 'LessThanThreshold',
        threshold: 1024 ** 4,
      },
      'percent-io-limit-high': {
        metricName: 'PercentIOLimit',
        statistic: 'Maximum',
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: ALARM_THRESHOLDS.percentIoLimit,
      },
    };
    for (const fileSystemId of [FS_ID, OTHER_FS_ID]) {
      for (const [kind, fields] of Object.entries(expected)) {
        const alarm = alarmNamed(
          resources,
          `burstguard-test-${fileSystemId}-${kind}`,
        );
        expect(alarm.inputs).toMatchObject({
          namespace: 'AWS/EFS',
          dimensions: { FileSystemId: fileSystemId },
          ...fields,
        });
      }
    }
  });

  it('creates one filter per Langfuse pattern and log group', async () => {
    // Prepare / Act
    const { resources } = await synthAlarms();

    // Assess
    const filters = ofType(resources, FILTER);
    const expected = LOG_GROUPS.flatMap((logGroupName) =>
      LANGFUSE_LOG_SIGNALS.flatMap((signal) =>
        signal.filters.map((filter) => ({
          logGroupName,
          pattern: filter.pattern,
          metricTransformation: {
            name: signal.metricName,
            namespace: langfuseNamespace('Burstguard/Langfuse', FS_ID),
            value: '1',
          },
        })),
      ),
    );
    expect(filters.map((f) => f.inputs)).toEqual(
      expected.map((e) => expect.objectContaining(e)),
    );
    expect(
      filters.every(
        (f) =>
          !(
            'defaultValue' in
            (f.inputs.metricTransformation as Record<string, unknown>)
          ),
      ),
    ).toBe(true);
  });

  it('keeps a Langfuse alarm in ALARM through quiet minutes shorter than its window', async () => {
    // Prepare: CloudWatch's M-of-N rule as the user guide states it
    // ("Evaluating an alarm"): ALARM while at least DatapointsToAlarm of the
    // last EvaluationPeriods datapoints breach, OK once fewer do; missing
    // datapoints count as not breaching under notBreaching ("Configuring
    // how CloudWatch alarms treat missing data").
    const { resources } = await synthAlarms();
    const alarm = ofType(resources, ALARM).find(
      (r) => r.inputs.metricName === LANGFUSE_LOG_SIGNALS[0]?.metricName,
    );
    const n = Number(alarm?.inputs.evaluationPeriods);
    const m = Number(alarm?.inputs.datapointsToAlarm ?? n);
    const states = (minutes: string) =>
      [...minutes].map((_, i) => {
        const window = minutes.slice(Math.max(0, i + 1 - n), i + 1);
        const breaching = [...window].filter((c) => c === 'x').length;
        return breaching >= m ? 'A' : 'O';
      });

    // Act: x = a minute with a matching Langfuse line, . = a quiet minute
    const single = states('x');
    const flapping = states('x.x.x.x.x.');
    const ending = states('xxxx......');

    // Assess
    expect(alarm?.inputs.treatMissingData).toBe('notBreaching');
    expect(m).toBeLessThan(n);
    expect(single).toEqual(['A']);
    expect(flapping.every((s) => s === 'A')).toBe(true);
    // OK needs more than one quiet minute: here, n of them.
    expect(ending.join('')).toBe(`${'A'.repeat(3 + n)}${'O'.repeat(7 - n)}`);
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it('alarms on any Langfuse signal line within a minute', async () => {
    // Prepare / Act
    const { resources } = await synthAlarms();

    // Assess
    const namespace = langfuseNamespace('Burstguard/Langfuse', FS_ID);
    const langfuseAlarms = ofType(resources, ALARM).filter(
      (r) => r.inputs.namespace === namespace,
    );
    expect(langfuseAlarms.map((a) => a.inputs.metricName).sort()).toEqual(
      LANGFUSE_LOG_SIGNALS.map((s) => s.metricName).sort(),
    );
    for (const alarm of langfuseAlarms) {
      expect(alarm.inputs).toMatchObject({
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      });
    }
  });

  it('leaves out Langfuse filters and alarms without log groups', async () => {
    // Prepare / Act
    const { resources } = await synthAlarms({ langfuseLogGroups: {} });

    // Assess
    expect(ofType(resources, FILTER)).toEqual([]);
    expect(ofType(resources, ALARM)).toHaveLength(6);
  });

  it('names each alarm with the prefix and tags it with its file system', async () => {
    // Prepare / Act
    const { result, resources } = await synthAlarms();

    // Assess
    const alarms = ofType(resources, ALARM);
    expect(alarms).toHaveLength(3 + 3 + LANGFUSE_LOG_SIGNALS.length);
    for (const alarm of alarms) {
      const name = String(alarm.inputs.name);
      const fileSystemId = name.includes(OTHER_FS_ID) ? OTHER_FS_ID : FS_ID;
      expect(name.startsWith(`burstguard-test-${fileSystemId}-`)).toBe(true);
      expect(alarm.inputs.tags).toEqual({
        'burstguard:file-system-id': fileSystemId,
      });
    }
    expect(result.alarms.map((a) => a.name).sort()).toEqual(
      alarms.map((a) => a.inputs.name).sort(),
    );
  });

  it('publishes each file system under its own namespace', async () => {
    // Prepare
    const config = testConfig({ langfuseMetricNamespace: 'Custom/Base' });

    // Act
    const { resources } = await synthAlarms({
      config,
      langfuseLogGroups: { [FS_ID]: ['/a'], [OTHER_FS_ID]: ['/b'] },
    });

    // Assess
    const namespaces = new Set(
      ofType(resources, FILTER).map(
        (f) =>
          (f.inputs.metricTransformation as Record<string, unknown>).namespace,
      ),
    );
    expect([...namespaces].sort()).toEqual(
      [`Custom/Base/${FS_ID}`, `Custom/Base/${OTHER_FS_ID}`].sort(),
    );
  });
});

describe('withAlarmNames', () => {
  it('lets Normalize find the file system of a Langfuse alarm by its name', async () => {
    // Prepare
    const config = testConfig();
    for (const fs of config.fileSystems) fs.alarmNames = [];
    const { result } = await synthAlarms({ config });
    const name = `burstguard-test-${FS_ID}-langfuse-dropped-records`;
    const event = logPatternAlarm(name);
    // Only the name speaks for the file system: not the namespace.
    const metric = event.detail.configuration.metrics[0];
    if (metric) metric.metricStat.metric.namespace = 'Custom/Other';

    // Act
    const runtimeConfig = withAlarmNames(config, result.alarms);
    const trigger = normalizeTrigger(event, {
      config: runtimeConfig,
      // The event's own time: a trigger more than a day ahead is refused.
      now: () => new Date('2026-11-23T03:15:00Z'),
    });

    // Assess
    expect(trigger.fileSystemId).toBe(FS_ID);
    expect(() =>
      normalizeTrigger(event, { config, now: () => new Date() }),
    ).toThrow(/names no file system/);
  });

  it('adds only Langfuse alarms, next to the names already configured', async () => {
    // Prepare
    const config = testConfig();
    const { result } = await synthAlarms({ config });

    // Act
    const runtimeConfig = withAlarmNames(config, result.alarms);

    // Assess
    expect(runtimeConfig.fileSystems.map((f) => f.alarmNames)).toEqual([
      [
        'burstguard-prod-langfuse-dropped-records',
        `burstguard-test-${FS_ID}-langfuse-dropped-records`,
        `burstguard-test-${FS_ID}-langfuse-clickhouse-timeouts`,
      ],
      [],
    ]);
    expect(config.fileSystems[0]?.alarmNames).toEqual([
      'burstguard-prod-langfuse-dropped-records',
    ]);
  });
});
