/**
 * The recording format's cloudwatch-logs-insights.json: `record` writes what
 * GetQueryResults answered (the same keys `aws logs get-query-results`
 * prints: results, statistics, status), `replay` counts dropped records from
 * it, and recordings without it replay as before.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { runRecord } from '../../cli/commands/record.ts';
import { main } from '../../cli/main.ts';
import {
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import {
  metaSchema,
  RECORDING_FILES,
  readRecording,
  writeRecording,
} from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { createLogsInsightsPort } from '../../shared/adapters/aws-logs-insights.ts';
import { capture, useTempDirs } from '../support/io.ts';
import { binAt } from '../support/record-aws.ts';

const tempDir = useTempDirs();
const logsMock = mockClient(CloudWatchLogsClient);
afterEach(() => logsMock.reset());

/** GetQueryResults shaped as the CloudWatch Logs API reference shows it. */
function completeAnswer(end: Date) {
  const minute = (n: number) =>
    binAt(Math.floor(end.getTime() / 60_000) * 60_000 - n * 60_000);
  const row = (n: number, count: number) => [
    { field: 'bin(1m)', value: minute(n) },
    { field: 'droppedRecords', value: String(count) },
  ];
  return {
    results: [row(5, 1000), row(12, 400), row(40, 37)],
    statistics: {
      bytesScanned: 81349723,
      recordsMatched: 3,
      recordsScanned: 610956,
    },
    status: 'Complete' as const,
  };
}

async function record(out: string, logGroups: string[]) {
  const source = simulateScenario('credits-exhausted', { end: new Date() });
  const answer = completeAnswer(new Date(source.meta.end));
  logsMock.on(StartQueryCommand).resolves({
    queryId: '12ab3456-12ab-123a-789e-1234567890ab',
  });
  logsMock.on(GetQueryResultsCommand).resolves(answer);
  const { io } = capture();
  const code = await runRecord(
    {
      fileSystemId: source.meta.fileSystemId,
      out,
      windowMinutes: '180',
      region: 'us-east-1',
      clickhouseUser: 'default',
      langfuseLogGroups: logGroups,
    },
    io,
    {
      efs: recordingEfsPort(source),
      metrics: recordingMetricsPort(source),
      logsInsights: createLogsInsightsPort(
        new CloudWatchLogsClient({ region: 'us-east-1' }),
        { pollIntervalMs: 1 },
      ),
    },
  );
  return { code, answer };
}

describe('cloudwatch-logs-insights.json', () => {
  it('is written by record as GetQueryResults answered it, meta staying version 1', async () => {
    // Prepare
    const out = await tempDir('burstguard-insights-');

    // Act
    const { code, answer } = await record(out, ['/ecs/langfuse-worker']);

    // Assess
    expect(code).toBe(0);
    const written = JSON.parse(
      await readFile(join(out, RECORDING_FILES.logsInsights), 'utf8'),
    );
    expect(written).toEqual(answer);
    const meta = JSON.parse(
      await readFile(join(out, RECORDING_FILES.meta), 'utf8'),
    );
    expect(meta.version).toBe(1);
    expect(meta.langfuseLogGroups).toEqual(['/ecs/langfuse-worker']);
    // A reader that predates the field still reads the file.
    const olderReader = z.omit(metaSchema, { langfuseLogGroups: true });
    expect(olderReader.parse(meta)).not.toHaveProperty('langfuseLogGroups');
    const start = logsMock.commandCalls(StartQueryCommand)[0]?.args[0].input;
    expect(start?.logGroupNames).toEqual(['/ecs/langfuse-worker']);
  });

  it('is not written, and nothing is queried, without log groups', async () => {
    // Prepare
    const out = await tempDir('burstguard-insights-');

    // Act
    const { code } = await record(out, []);

    // Assess
    expect(code).toBe(0);
    expect(existsSync(join(out, RECORDING_FILES.logsInsights))).toBe(false);
    expect(logsMock.commandCalls(StartQueryCommand)).toHaveLength(0);
  });

  it('gives replay the exact dropped-record count', async () => {
    // Prepare
    const dir = await tempDir('burstguard-insights-');
    await record(dir, ['/ecs/langfuse-worker']);
    const { out, io } = capture();

    // Act
    const code = await main(['replay', dir, '--json', '--policy', 'off'], io);

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.evidence.langfuse.droppedRecordsCount.source).toBe(
      'logs-insights',
    );
    expect(report.diagnosis.signals.droppedRecords).toBe(1437);
    expect(report.diagnosis.findings.join('\n')).toContain(
      '1,437 Langfuse records dropped (counted exactly in its logs)',
    );
    expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
  });

  it('is optional: a recording without it replays from the metric filters', async () => {
    // Prepare: a recording as format 1 wrote them before the file existed.
    const dir = await tempDir('burstguard-insights-');
    await writeRecording(
      dir,
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T03:12:00Z'),
      }),
    );
    const { out, io } = capture();

    // Act
    const recording = await readRecording(dir);
    const code = await main(['replay', dir, '--json', '--policy', 'off'], io);

    // Assess
    expect(recording.logsInsights).toBeUndefined();
    expect(existsSync(join(dir, RECORDING_FILES.logsInsights))).toBe(false);
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(report.evidence.langfuse.droppedRecordsCount).toMatchObject({
      source: 'metric-filter',
      note: expect.stringMatching(/^Logs Insights is not available here/),
    });
    expect(report.diagnosis.findings.join('\n')).toMatch(
      /Langfuse records dropped \(from log metric filters\)/,
    );
  });
});
