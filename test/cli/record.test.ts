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
});
