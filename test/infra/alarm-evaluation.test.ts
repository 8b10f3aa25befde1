/**
 * The synthesized alarms evaluated on minutes with a known answer. The
 * evaluator follows the CloudWatch user guide, "Configuring how CloudWatch
 * alarms treat missing data"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html)
 * and its "Evaluating an alarm" section: of the last EvaluationPeriods
 * datapoints, the alarm is in ALARM when at least DatapointsToAlarm breach
 * (EvaluationPeriods when DatapointsToAlarm is unset); with
 * TreatMissingData `notBreaching` a missing point counts as not breaching. The numbers below are chosen so each expected state can be
 * counted by hand, independently of the thresholds in infra/alarms.ts.
 */
import { describe, expect, it } from 'vitest';
import { synthAlarmInputs } from './synth-alarm.ts';

const TIB = 1024 ** 4;

type AlarmInputs = {
  comparisonOperator: string;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  treatMissingData?: string;
};

/** One minute's value, or `undefined` for no datapoint. */
function breaches(inputs: AlarmInputs, value: number | undefined): boolean {
  if (value === undefined) return inputs.treatMissingData === 'breaching';
  switch (inputs.comparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= inputs.threshold;
    case 'GreaterThanThreshold':
      return value > inputs.threshold;
    case 'LessThanThreshold':
      return value < inputs.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= inputs.threshold;
    default:
      throw new Error(`operator ${inputs.comparisonOperator}`);
  }
}

/** ALARM or OK after the given datapoints, oldest first. */
function stateAfter(
  inputs: AlarmInputs,
  points: readonly (number | undefined)[],
): 'ALARM' | 'OK' {
  const window = points.slice(-inputs.evaluationPeriods);
  const breaching = window.filter((v) => breaches(inputs, v)).length;
  const needed = inputs.datapointsToAlarm ?? inputs.evaluationPeriods;
  return breaching >= needed ? 'ALARM' : 'OK';
}

async function alarmOf(kind: string): Promise<AlarmInputs> {
  return (await synthAlarmInputs(kind)) as AlarmInputs;
}

describe('the IO limit alarm, evaluated', () => {
  it('stays OK at 60 to 94 percent of the IO limit, however long', async () => {
    const alarm = await alarmOf('percent-io-limit-high');

    expect(stateAfter(alarm, [60, 60, 60, 60, 60])).toBe('OK');
    expect(stateAfter(alarm, [94, 94, 94, 94, 94, 94, 94])).toBe('OK');
  });

  it('goes to ALARM when 3 of the last 5 minutes reach 95 percent', async () => {
    const alarm = await alarmOf('percent-io-limit-high');

    // Three minutes at 95 or more, two quiet ones between them.
    expect(stateAfter(alarm, [95, 10, 99, 10, 100])).toBe('ALARM');
    // Two minutes at 95 or more are a busy spell, not the limit.
    expect(stateAfter(alarm, [95, 10, 99, 10, 10])).toBe('OK');
    // Missing minutes (no IO) do not count towards the alarm.
    expect(stateAfter(alarm, [95, undefined, 99, undefined, 10])).toBe('OK');
  });
});

describe('the burst credit alarm, evaluated', () => {
  it('goes to ALARM one byte under 1 TiB of credits and stays OK at 1 TiB', async () => {
    const alarm = await alarmOf('burst-credit-balance-low');

    expect(stateAfter(alarm, [TIB - 1])).toBe('ALARM');
    expect(stateAfter(alarm, [TIB])).toBe('OK');
    // A new file system's 2.1 TiB starting balance is not an incident.
    expect(stateAfter(alarm, [2.1 * TIB])).toBe('OK');
    // No datapoint (Elastic or Provisioned mode has no credits): OK.
    expect(stateAfter(alarm, [undefined])).toBe('OK');
  });
});

describe('the throughput utilization alarm, evaluated', () => {
  it('goes to ALARM after 10 of 15 minutes at 90 percent or more, not 9', async () => {
    const alarm = await alarmOf('throughput-utilization-high');
    const busy = (n: number) => [
      ...Array<number>(n).fill(90),
      ...Array<number>(15 - n).fill(50),
    ];

    expect(stateAfter(alarm, busy(10))).toBe('ALARM');
    expect(stateAfter(alarm, busy(9))).toBe('OK');
    expect(stateAfter(alarm, Array<number>(15).fill(89.9))).toBe('OK');
  });
});

describe('the Langfuse alarms, evaluated', () => {
  it('go to ALARM on a single matching line within the last 5 minutes', async () => {
    for (const kind of [
      'langfuse-dropped-records',
      'langfuse-clickhouse-timeouts',
    ]) {
      const alarm = await alarmOf(kind);

      const quiet = (minutes: number) =>
        Array<undefined>(minutes).fill(undefined);

      expect(stateAfter(alarm, [1, ...quiet(4)])).toBe('ALARM');
      expect(stateAfter(alarm, [1, ...quiet(5)])).toBe('OK');
      expect(stateAfter(alarm, quiet(5))).toBe('OK');
    }
  });
});
