/**
 * The AlarmsPort over CloudWatch DescribeAlarms, against aws-sdk-client-mock
 * answering as the CloudWatch API reference documents DescribeAlarms:
 * `AlarmNames` takes at most 100 names, `MetricAlarms` and `NextToken` come
 * back, and an alarm that does not exist is simply not in the answer.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAlarmsPort,
  MAX_ALARM_NAMES_PER_CALL,
} from '../../shared/adapters/aws-alarms.ts';
import { metricAlarm } from '../fixtures/aws-responses.ts';

const cwMock = mockClient(CloudWatchClient);
afterEach(() => {
  cwMock.reset();
});

const port = () =>
  createAlarmsPort(new CloudWatchClient({ region: 'us-east-1' }));

describe('the CloudWatch alarms port', () => {
  it('reads each named alarm state and leaves out alarms CloudWatch does not know', async () => {
    // Prepare
    cwMock.on(DescribeAlarmsCommand).resolves({
      $metadata: {},
      MetricAlarms: [
        metricAlarm('credits-low', 'OK'),
        metricAlarm('dropped-records', 'ALARM'),
      ],
      CompositeAlarms: [],
    });

    // Act
    const states = await port().alarmStates([
      'credits-low',
      'dropped-records',
      'deleted-alarm',
    ]);

    // Assess
    expect(states).toEqual({ 'credits-low': 'OK', 'dropped-records': 'ALARM' });
    const calls = cwMock.commandCalls(DescribeAlarmsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      AlarmNames: ['credits-low', 'dropped-records', 'deleted-alarm'],
      MaxRecords: 100,
    });
  });

  it('asks for at most 100 names per call', async () => {
    // Prepare
    const names = Array.from({ length: 250 }, (_, i) => `alarm-${i}`);
    cwMock.on(DescribeAlarmsCommand).callsFake((input) => ({
      MetricAlarms: (input.AlarmNames as string[]).map((name) =>
        metricAlarm(name, 'OK'),
      ),
    }));

    // Act
    const states = await port().alarmStates(names);

    // Assess
    const sizes = cwMock
      .commandCalls(DescribeAlarmsCommand)
      .map((c) => c.args[0].input.AlarmNames?.length);
    expect(MAX_ALARM_NAMES_PER_CALL).toBe(100);
    expect(sizes).toEqual([100, 100, 50]);
    expect(Object.keys(states)).toHaveLength(250);
  });

  it('follows NextToken until the last page', async () => {
    // Prepare
    cwMock
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({
        MetricAlarms: [metricAlarm('a', 'OK')],
        NextToken: 'page-2',
      })
      .on(DescribeAlarmsCommand, { NextToken: 'page-2' })
      .resolves({ MetricAlarms: [metricAlarm('b', 'INSUFFICIENT_DATA')] });

    // Act
    const states = await port().alarmStates(['a', 'b']);

    // Assess
    expect(states).toEqual({ a: 'OK', b: 'INSUFFICIENT_DATA' });
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
  });

  it('reads a repeated name once', async () => {
    // Prepare
    cwMock
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [metricAlarm('a', 'ALARM')] });

    // Act
    await port().alarmStates(['a', 'a']);

    // Assess
    expect(
      cwMock.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNames,
    ).toEqual(['a']);
  });

  it('lets an API error through for the step to fail and retry', async () => {
    // Prepare
    cwMock
      .on(DescribeAlarmsCommand)
      .rejects(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
      );

    // Act
    const attempt = port().alarmStates(['a']);

    // Assess
    await expect(attempt).rejects.toThrow('Rate exceeded');
  });
});
