/**
 * AlarmsPort over the AWS SDK v3 CloudWatch client: DescribeAlarms by
 * AlarmNames, at most 100 names per call, following NextToken.
 *
 * CloudWatch API reference, DescribeAlarms: `AlarmNames` holds at most 100
 * items, `MaxRecords` is 1 to 100, and without `AlarmTypes` only metric
 * alarms are returned. Composite alarms are left out on purpose: reading
 * them needs `cloudwatch:DescribeAlarms` on `*`, and this app's grant is
 * scoped to its own alarm ARNs.
 */
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmStateValue, AlarmsPort } from '../domain/ports.ts';
import { pagesOf } from './aws-clients.ts';

/** DescribeAlarms takes at most 100 alarm names per call. */
export const MAX_ALARM_NAMES_PER_CALL = 100;
/** Pages followed per batch before giving up; 100 names fit in one. */
const MAX_PAGES = 10;

const STATES = new Set<string>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** Wraps a CloudWatchClient. */
export function createAlarmsPort(client: CloudWatchClient): AlarmsPort {
  async function describe(alarmNames: readonly string[]) {
    const unique = [...new Set(alarmNames)];
    const found: Record<string, { state: AlarmStateValue; since?: string }> =
      {};
    for (let i = 0; i < unique.length; i += MAX_ALARM_NAMES_PER_CALL) {
      const batch = unique.slice(i, i + MAX_ALARM_NAMES_PER_CALL);
      const pages = pagesOf(MAX_PAGES, (nextToken) =>
        client.send(
          new DescribeAlarmsCommand({
            AlarmNames: batch,
            MaxRecords: MAX_ALARM_NAMES_PER_CALL,
            NextToken: nextToken,
          }),
        ),
      );
      for await (const out of pages) {
        for (const alarm of out.MetricAlarms ?? []) {
          if (
            alarm.AlarmName &&
            alarm.StateValue &&
            STATES.has(alarm.StateValue)
          ) {
            // CloudWatch API reference, MetricAlarm:
            // StateTransitionedTimestamp is when StateValue last changed;
            // StateUpdatedTimestamp also moves when EvaluationState does,
            // so it is never earlier and stands in when the first is absent.
            const updated =
              alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
            found[alarm.AlarmName] = {
              state: alarm.StateValue as AlarmStateValue,
              ...(updated instanceof Date && !Number.isNaN(updated.getTime())
                ? { since: updated.toISOString() }
                : {}),
            };
          }
        }
      }
    }
    return found;
  }

  return {
    async alarmStates(alarmNames) {
      const found = await describe(alarmNames);
      return Object.fromEntries(
        Object.entries(found).map(([name, { state }]) => [name, state]),
      );
    },
    async alarmStatesSince(alarmNames) {
      return describe(alarmNames);
    },
  };
}
