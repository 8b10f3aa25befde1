import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { EFSClient } from '@aws-sdk/client-efs';
import { describe, expect, it } from 'vitest';
import { runRecord } from '../../cli/commands/record.ts';
import { main } from '../../cli/main.ts';
import { startDemoClickHouse } from '../../local/demo-clickhouse.ts';
import { recordingClickHousePort } from '../../local/recorded-ports.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { useTempDirs } from '../support/io.ts';
import { mockAwsWith } from '../support/record-aws.ts';

const tempDir = useTempDirs();

/** SDK-shaped answers (Dates, pages) made from a simulated incident. */
function mockAwsFrom(end: Date) {
  return mockAwsWith(simulateScenario('credits-exhausted', { end }));
}

describe('burstguard record', () => {
  it('writes a recording that replays to the diagnosis of the live incident', async () => {
    // Prepare: mocked AWS and a real chDB behind the ports.
    const { efsMock, cwMock } = mockAwsFrom(new Date());
    const db = await startDemoClickHouse('steady');
    const out = await tempDir('burstguard-record-');
    const err: string[] = [];
    const io = {
      out: () => undefined,
      err: (t: string) => void err.push(t),
      color: false,
    };
    try {
      // Act
      const code = await runRecord(
        {
          fileSystemId: 'fs-0a1b2c3d4e5f67890',
          out,
          windowMinutes: '180',
          region: 'us-east-1',
          clickhouseUser: 'default',
        },
        io,
        {
          efs: createEfsPort(new EFSClient({ region: 'us-east-1' })),
          metrics: createMetricsPort(
            new CloudWatchClient({ region: 'us-east-1' }),
          ),
          clickhouse: db.port,
        },
      );
      // Assess: the files of format v1, with progress on stderr.
      expect(code).toBe(0);
      expect(err.join('')).toMatch(/reading 12 metrics, 180 min at 60 s/);
      expect((await readdir(out)).sort()).toEqual([
        'clickhouse',
        'cloudwatch-get-metric-data.json',
        'efs-describe-file-systems.json',
        'meta.json',
        'trigger.json',
      ]);
      expect(await readdir(join(out, 'clickhouse'))).toEqual(
        expect.arrayContaining(['parts.jsonl', 'merges.jsonl', 'events.jsonl']),
      );
      const meta = JSON.parse(await readFile(join(out, 'meta.json'), 'utf8'));
      expect(meta).toMatchObject({
        version: 1,
        fileSystemId: 'fs-0a1b2c3d4e5f67890',
        periodSeconds: 60,
      });
      const metrics = JSON.parse(
        await readFile(join(out, 'cloudwatch-get-metric-data.json'), 'utf8'),
      );
      expect(metrics.MetricDataResults).toHaveLength(12);
      expect(typeof metrics.MetricDataResults[0].Timestamps[0]).toBe('string');
      expect(cwMock.commandCalls(GetMetricDataCommand)).toHaveLength(2);

      // Act again: replay what was written.
      const replayOut: string[] = [];
      const replayCode = await main(
        ['replay', out, '--json', '--policy', 'off'],
        {
          out: (t) => void replayOut.push(t),
          err: () => undefined,
          color: false,
        },
      );
      expect(replayCode).toBe(0);
      const report = JSON.parse(replayOut.join(''));
      expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
      expect(report.diagnosis.signals.pinnedMinutes).toBeGreaterThan(60);
      expect(report.diagnosis.signals.droppedRecords).toBeGreaterThan(0);
      // chDB's snapshot came through the recording.
      expect(report.diagnosis.signals.maxPartsInPartition).toBeGreaterThan(0);
    } finally {
      efsMock.restore();
      cwMock.restore();
      await db.close();
    }
  });

  it('refuses a malformed file system id with one line', async () => {
    await expect(
      runRecord(
        {
          fileSystemId: 'fs-nope',
          out: '/tmp/x',
          windowMinutes: '180',
          clickhouseUser: 'default',
        },
        { out: () => undefined, err: () => undefined, color: false },
      ),
    ).rejects.toThrow(/--file-system: must look like fs-/);
  });

  it('records each replica of a cluster, and one that did not answer, and replays them by name', async () => {
    // Prepare: the eks-replicas scenario's AWS, and its replicas' recorded
    // rows behind the ports, plus a replica that refuses.
    const end = new Date();
    const scenario = simulateScenario('eks-replicas', { end });
    const { efsMock, cwMock } = mockAwsWith(scenario);
    const recorded = recordingClickHousePort(scenario);
    const out = await tempDir('burstguard-record-');
    try {
      // Act
      const code = await runRecord(
        {
          fileSystemId: 'fs-0a1b2c3d4e5f67890',
          out,
          windowMinutes: '180',
          region: 'us-east-1',
          clickhouseUser: 'default',
        },
        { out: () => undefined, err: () => undefined, color: false },
        {
          efs: createEfsPort(new EFSClient({ region: 'us-east-1' })),
          metrics: createMetricsPort(
            new CloudWatchClient({ region: 'us-east-1' }),
          ),
          clickhouse: {
            ...recorded,
            async replicas() {
              const replicas = (await recorded.replicas?.()) ?? [];
              return [
                ...replicas,
                {
                  name: '10.0.13.52:8443',
                  port: {
                    async snapshot() {
                      throw new Error(
                        'unreachable after 5 s: connect ECONNREFUSED 10.0.13.52:8443',
                      );
                    },
                  },
                },
              ];
            },
          },
        },
      );

      // Assess: a directory per replica, the refusing one with its error.
      expect(code).toBe(0);
      expect(
        (await readdir(join(out, 'clickhouse', 'replicas'))).sort(),
      ).toEqual([
        '10.0.13.52:8443',
        'langfuse-clickhouse-shard0-0',
        'langfuse-clickhouse-shard0-1',
        'langfuse-clickhouse-shard0-2',
      ]);
      expect(
        await readFile(
          join(out, 'clickhouse', 'replicas', '10.0.13.52:8443', 'error.txt'),
          'utf8',
        ),
      ).toBe('unreachable after 5 s: connect ECONNREFUSED 10.0.13.52:8443\n');

      // Act again: replay what was written.
      const replayOut: string[] = [];
      expect(
        await main(['replay', out, '--json', '--policy', 'off'], {
          out: (t) => void replayOut.push(t),
          err: () => undefined,
          color: false,
        }),
      ).toBe(0);
      const findings: string[] = JSON.parse(replayOut.join('')).diagnosis
        .findings;
      expect(findings).toContain(
        'ClickHouse replica 10.0.13.52:8443 did not answer: unreachable after 5 s: connect ECONNREFUSED 10.0.13.52:8443',
      );
      expect(findings).toContainEqual(
        expect.stringMatching(
          /^ClickHouse replica langfuse-clickhouse-shard0-2: 42 entries/,
        ),
      );
    } finally {
      efsMock.restore();
      cwMock.restore();
    }
  });
});
