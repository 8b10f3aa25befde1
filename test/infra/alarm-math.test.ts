/**
 * The alarms as synthesized, evaluated on numbers with a known answer: the
 * metric math is read from the synthesized alarm and run by a small
 * evaluator of the expression text (test/support/metric-math.ts), and the
 * state follows CloudWatch's M-of-N rule ("Evaluating an alarm", CloudWatch
 * user guide). Nothing here repeats a threshold or an expression from
 * infra/alarms.ts: the expected states come from the EFS facts (the IO limit
 * is a percentage of the General Purpose limit, a file system near it is at
 * 95% or more, one at 60% is not) and from hand-worked arithmetic.
 */
import { describe, expect, it } from 'vitest';
import {
  type AlarmInputs,
  alarmSeries,
  alarmState,
  evaluateExpression,
} from '../support/metric-math.ts';
import { synthAlarmInputs } from './synth-alarm.ts';

const MiB = 1024 * 1024;
const TiB = 1024 ** 4;

async function alarmOf(kind: string): Promise<AlarmInputs> {
  return (await synthAlarmInputs(kind)) as AlarmInputs;
}

const repeat = (n: number, v: number | null) =>
  Array.from({ length: n }, () => v);

describe('the metric math evaluator', () => {
  it('evaluates precedence, parentheses and PERIOD', () => {
    // Prepare: m1 = 120, its period 60 s.
    const scope = {
      value: (id: string) => ({ m1: 120, m2: 4 })[id] as number,
      period: () => 60,
    };

    // Act / Assess: (120 / 2) / 60 = 1; 1 + 4 * 2 = 9; 120 / 60 * 100 / 4.
    expect(evaluateExpression('(m1/2)/PERIOD(m1)', scope)).toBe(1);
    expect(evaluateExpression('1+m2*2', scope)).toBe(9);
    expect(evaluateExpression('m1/PERIOD(m1)*100/m2', scope)).toBe(50);
    expect(() => evaluateExpression('FILL(m1, 0)', scope)).toThrow(
      /unknown function FILL|bad call/,
    );
  });
});

describe('the IO-limit alarm', () => {
  it.each([
    { percent: 60, state: 'OK' },
    { percent: 96, state: 'ALARM' },
  ])('is $state at $percent% of the IO limit', async ({ percent, state }) => {
    // Prepare
    const alarm = await alarmOf('percent-io-limit-high');

    // Act
    const after = alarmState(
      alarm,
      alarmSeries(alarm, { metric: repeat(15, percent) }),
    );

    // Assess
    expect(after).toBe(state);
  });

  it('alarms on a sustained 96%, not on a single busy minute', async () => {
    // Prepare: one minute at 96% among minutes at 40%.
    const alarm = await alarmOf('percent-io-limit-high');
    const blip = [...repeat(10, 40), 96, ...repeat(4, 40)];
    const sustained = [...repeat(10, 40), ...repeat(5, 96)];

    // Act / Assess
    expect(alarmState(alarm, alarmSeries(alarm, { metric: blip }))).toBe('OK');
    expect(alarmState(alarm, alarmSeries(alarm, { metric: sustained }))).toBe(
      'ALARM',
    );
  });

  it('reads a minute with no data as not breaching', async () => {
    // Prepare
    const alarm = await alarmOf('percent-io-limit-high');

    // Act
    const state = alarmState(
      alarm,
      alarmSeries(alarm, { metric: repeat(15, null) }),
    );

    // Assess
    expect(state).toBe('OK');
  });
});

describe('the throughput utilization alarm', () => {
  // m1 is MeteredIOBytes summed over 60 s, m2 PermittedThroughput summed
  // over 60 s: one datapoint a minute, so the per-second value.
  it('computes 100% when a minute meters exactly the permitted bytes', async () => {
    // Prepare: 1 MiB/s permitted; 62,914,560 B in 60 s = 1 MiB/s.
    const alarm = await alarmOf('throughput-utilization-high');

    // Act
    const series = alarmSeries(alarm, {
      m1: [62_914_560],
      m2: [MiB],
    });

    // Assess
    expect(series).toEqual([100]);
  });

  it('computes 60% at 0.6 MiB/s of 1 MiB/s permitted and stays OK', async () => {
    // Prepare: 0.6 MiB/s x 60 s = 37,748,736 B a minute.
    const alarm = await alarmOf('throughput-utilization-high');

    // Act
    const series = alarmSeries(alarm, {
      m1: repeat(15, 37_748_736),
      m2: repeat(15, MiB),
    });

    // Assess
    expect(series[0]).toBeCloseTo(60, 9);
    expect(alarmState(alarm, series)).toBe('OK');
  });

  it('alarms on 96% for 10 of 15 minutes and not for 9', async () => {
    // Prepare: 4 MiB/s permitted; 96% is 3.84 MiB/s = 241,591,910.4 B a
    // minute; the other minutes 1 MiB/s = 62,914,560 B (25%).
    const alarm = await alarmOf('throughput-utilization-high');
    const busy = 241_591_910.4;
    const quiet = 62_914_560;
    const ten = [...repeat(5, quiet), ...repeat(10, busy)];
    const nine = [...repeat(6, quiet), ...repeat(9, busy)];

    // Act
    const tenSeries = alarmSeries(alarm, { m1: ten, m2: repeat(15, 4 * MiB) });
    const nineSeries = alarmSeries(alarm, {
      m1: nine,
      m2: repeat(15, 4 * MiB),
    });

    // Assess
    expect(tenSeries.at(-1)).toBeCloseTo(96, 9);
    expect(tenSeries[0]).toBeCloseTo(25, 9);
    expect(alarmState(alarm, tenSeries)).toBe('ALARM');
    expect(alarmState(alarm, nineSeries)).toBe('OK');
  });

  it('gives no datapoint where PermittedThroughput is missing', async () => {
    // Prepare
    const alarm = await alarmOf('throughput-utilization-high');

    // Act
    const series = alarmSeries(alarm, {
      m1: repeat(15, 62_914_560),
      m2: repeat(15, null),
    });

    // Assess
    expect(series).toEqual(repeat(15, null));
    expect(alarmState(alarm, series)).toBe('OK');
  });
});

describe('the burst credit alarm', () => {
  it('alarms under 1 TiB of credits and not at the 2.1 TiB a new file system starts with', async () => {
    // Prepare: a file system under 1 TiB starts with 2.1 TiB (EFS user
    // guide, "Amazon EFS performance").
    const alarm = await alarmOf('burst-credit-balance-low');

    // Act / Assess
    expect(alarmState(alarm, [2.1 * TiB])).toBe('OK');
    expect(alarmState(alarm, [0.5 * TiB])).toBe('ALARM');
    expect(alarmState(alarm, [0])).toBe('ALARM');
  });
});

describe('the Langfuse log alarms', () => {
  it('alarms on one dropped-records line and not on quiet minutes', async () => {
    // Prepare: the metric filter publishes 1 per matching line and nothing
    // for a minute without one.
    const alarm = await alarmOf('langfuse-dropped-records');

    // Act / Assess
    expect(alarmState(alarm, [null, null, 1, null, null])).toBe('ALARM');
    expect(alarmState(alarm, repeat(5, null))).toBe('OK');
  });
});
