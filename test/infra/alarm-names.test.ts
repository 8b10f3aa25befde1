/**
 * What a person reads in the CloudWatch console: each alarm's description
 * names its file system, and each log metric filter has a readable name and
 * a Pulumi name unique per log group.
 */
import { describe, expect, it } from 'vitest';
import { createAlarms } from '../../infra/alarms.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import { ofType, synth, TYPE } from './pulumi-mocks.ts';

const { ALARM, FILTER } = TYPE;

async function synthesized() {
  return synth(() =>
    createAlarms({
      prefix: 'burstguard-test',
      config: testConfig(),
      langfuseLogGroups: {
        [FS_ID]: ['/ecs/Langfuse_-Worker/', 'langfuse-worker-2'],
      },
    }),
  );
}

describe('alarm descriptions', () => {
  it('start with the file system name and id, or the id alone when it has no name', async () => {
    const { resources } = await synthesized();
    const alarms = ofType(resources, ALARM);

    // The test configuration names FS_ID "langfuse-clickhouse" and leaves
    // OTHER_FS_ID unnamed.
    for (const alarm of alarms) {
      const name = String(alarm.inputs.name);
      const description = String(alarm.inputs.alarmDescription);
      if (name.includes(FS_ID)) {
        expect(description.startsWith(`langfuse-clickhouse (${FS_ID}): `)).toBe(
          true,
        );
      } else {
        expect(name).toContain(OTHER_FS_ID);
        expect(description.startsWith(`${OTHER_FS_ID}: `)).toBe(true);
      }
    }
  });

  it('say what each EFS alarm watches', async () => {
    const { resources } = await synthesized();
    const description = (kind: string) =>
      String(
        ofType(resources, ALARM).find(
          (a) => a.inputs.name === `burstguard-test-${FS_ID}-${kind}`,
        )?.inputs.alarmDescription,
      );

    expect(description('burst-credit-balance-low')).toContain(
      'burst credits below 1 TiB',
    );
    expect(description('percent-io-limit-high')).toContain(
      'General Purpose IO limit',
    );
    expect(description('throughput-utilization-high')).toContain(
      'at 90% or more of PermittedThroughput for 10 of 15 minutes',
    );
  });

  it('quote the log lines a Langfuse alarm counts', async () => {
    const { resources } = await synthesized();
    const dropped = ofType(resources, ALARM).find(
      (a) =>
        a.inputs.name === `burstguard-test-${FS_ID}-langfuse-dropped-records`,
    );

    const description = String(dropped?.inputs.alarmDescription);
    expect(description).toContain('Langfuse logged DroppedRecords (');
    expect(description).toContain(
      'Max attempts reached for traces record. Dropping record.',
    );
    expect(description).toContain(' | ');
  });
});

describe('log metric filters', () => {
  it('are named after the prefix, the file system and the pattern', async () => {
    const { resources } = await synthesized();
    const names = new Set(
      ofType(resources, FILTER).map((f) => String(f.inputs.name)),
    );

    expect(names).toEqual(
      new Set([
        `burstguard-test-${FS_ID}-dropped-records-v3-147`,
        `burstguard-test-${FS_ID}-dropped-records-v3-148`,
        `burstguard-test-${FS_ID}-clickhouse-write-timeouts`,
      ]),
    );
  });

  it('get a Pulumi name per log group, its punctuation turned into single hyphens and lower-cased', async () => {
    const { resources } = await synthesized();
    const logical = ofType(resources, FILTER)
      .filter(
        (f) =>
          f.inputs.name ===
          `burstguard-test-${FS_ID}-clickhouse-write-timeouts`,
      )
      .map((f) => f.name)
      .sort();

    // "/ecs/Langfuse_-Worker/" -> "ecs-langfuse-worker": "/" and the run
    // "_-" become one hyphen each, the leading and trailing ones go.
    expect(logical).toEqual([
      `burstguard-test-${FS_ID}-clickhouse-write-timeouts-ecs-langfuse-worker`,
      `burstguard-test-${FS_ID}-clickhouse-write-timeouts-langfuse-worker-2`,
    ]);
  });
});
