/**
 * Past incidents: `record --from --to` records a window that ended before
 * now, counting Langfuse's lines with Logs Insights when the metric
 * filters' series hold nothing for it; `start --at --policy --note` passes
 * the manual input's fields, which Normalize takes, lowering the policy
 * and never raising it.
 *
 * AWS doubles at the SDK client (aws-sdk-client-mock), shaped as the API
 * references show them: GetMetricData answers a metric without data in the
 * window with its Id, empty Timestamps and Values and StatusCode Complete
 * (CloudWatch API reference, GetMetricData, MetricDataResult);
 * StartQuery answers a queryId; GetQueryResults answers `results` (rows of
 * {field, value}), `statistics` and `status` (CloudWatch Logs API
 * reference, StartQuery and GetQueryResults examples); StartExecution
 * answers executionArn and startDate (Step Functions API reference).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runRecord } from '../../cli/commands/record.ts';
import { runStart } from '../../cli/commands/start.ts';
import { main } from '../../cli/main.ts';
import { normalizeTrigger } from '../../functions/normalize/core.ts';
import { RECORDING_FILES } from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import type { Policy } from '../../shared/domain/contracts.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { configuredFor } from '../fixtures/config.ts';
import { capture, useTempDirs } from '../support/io.ts';
import { binAt, mockAwsWith, sdkRecordPorts } from '../support/record-aws.ts';

const tempDir = useTempDirs();
const logsMock = mockClient(CloudWatchLogsClient);
const sfnMock = mockClient(SFNClient);
afterEach(() => {
  logsMock.reset();
  sfnMock.reset();
});

const LOG_GROUP = '/ecs/langfuse-worker';
/** A window three days back: the filters did not exist then. */
const TO = new Date(
  Math.floor(Date.now() / 3_600_000) * 3_600_000 - 72 * 3_600_000,
);
const FROM = new Date(TO.getTime() - 180 * 60_000);
const LOG_SIGNAL_IDS = [
  'langfuse_dropped_records',
  'langfuse_clickhouse_timeouts',
];

/** A GetQueryResults answer counting `lines` in the minutes `minutesBack` before TO. */
function linesAnswer(counts: [minutesBack: number, lines: number][]) {
  return {
    results: counts.map(([back, lines]) => [
      { field: 'bin(1m)', value: binAt(TO.getTime() - back * 60_000) },
      { field: 'lines', value: String(lines) },
    ]),
    statistics: {
      bytesScanned: 5_120_000,
      recordsMatched: counts.reduce((sum, [, n]) => sum + n, 0),
      recordsScanned: 48_000,
    },
    status: 'Complete' as const,
  };
}

const DROPPED_LINES = linesAnswer([
  [20, 7],
  [19, 12],
  [5, 3],
]);
const TIMEOUT_LINES = linesAnswer([
  [21, 4],
  [20, 9],
]);

/**
 * Logs Insights answering each query by what it counts; the query strings
 * sent, in order.
 */
function mockLogsInsights() {
  const sent: string[] = [];
  logsMock.on(StartQueryCommand).callsFake((input) => {
    sent.push(input.queryString);
    return { queryId: `q-${sent.length - 1}` };
  });
  logsMock.on(GetQueryResultsCommand).callsFake((input) => {
    const query = sent[Number(String(input.queryId).slice(2))] ?? '';
    if (!query.includes('count(*) as lines')) {
      return { results: [], status: 'Complete' };
    }
    return query.includes('Timeout error.') ? TIMEOUT_LINES : DROPPED_LINES;
  });
  return sent;
}

/** The incident of TO, its Langfuse filter series empty, as for a metric that did not exist yet. */
function filterlessIncident() {
  const source = simulateScenario('credits-exhausted', { end: TO });
  for (const result of source.metricData.MetricDataResults) {
    if (LOG_SIGNAL_IDS.includes(result.Id)) {
      result.Timestamps = [];
      result.Values = [];
      result.StatusCode = 'Complete';
    }
  }
  return source;
}

async function recordPast(
  source: ReturnType<typeof simulateScenario>,
  logGroups: string[],
) {
  const { efsMock, cwMock } = mockAwsWith(source);
  const out = await tempDir('burstguard-past-');
  const { err, io } = capture();
  try {
    const code = await runRecord(
      {
        fileSystemId: source.meta.fileSystemId,
        out,
        from: FROM.toISOString(),
        to: TO.toISOString(),
        region: 'us-east-1',
        langfuseLogGroups: logGroups,
      },
      io,
      sdkRecordPorts(),
    );
    const getMetricData =
      cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    return { code, out, err: err.join(''), getMetricData };
  } finally {
    efsMock.restore();
    cwMock.restore();
  }
}

const readJson = async (dir: string, file: string) =>
  JSON.parse(await readFile(join(dir, file), 'utf8'));

describe('record --from --to', () => {
  it('records the past window, the trigger ending at --to', async () => {
    // Prepare
    mockLogsInsights();

    // Act
    const { code, out, getMetricData } = await recordPast(
      simulateScenario('credits-exhausted', { end: TO }),
      [],
    );

    // Assess
    expect(code).toBe(0);
    expect(getMetricData?.StartTime).toEqual(FROM);
    expect(getMetricData?.EndTime).toEqual(TO);
    const meta = await readJson(out, RECORDING_FILES.meta);
    expect(meta).toMatchObject({
      version: 1,
      start: FROM.toISOString(),
      end: TO.toISOString(),
      periodSeconds: 60,
      langfuseLinesCountedBy: 'metric-filters',
    });
    expect(await readJson(out, RECORDING_FILES.trigger)).toEqual({
      fileSystemId: meta.fileSystemId,
      windowMinutes: 180,
      at: TO.toISOString(),
    });
  });

  it('counts the Langfuse lines with Logs Insights when the filter series are empty, and says so', async () => {
    // Prepare
    const sent = mockLogsInsights();

    // Act
    const { code, out, err } = await recordPast(filterlessIncident(), [
      LOG_GROUP,
    ]);

    // Assess: one line-count query per signal, on the filters' own terms.
    expect(code).toBe(0);
    expect(err).toMatch(
      /metric-filter series hold no datapoint over the window .*: counting the lines with Logs Insights instead/,
    );
    const lineQueries = sent.filter((q) => q.includes('count(*) as lines'));
    expect(lineQueries).toEqual([
      'filter (@message like "attempts reached for" and @message like "Dropping record") or (@message like "Max attempts reached, dropped" and @message like "record(s)")\n| stats count(*) as lines by bin(1m)',
      'filter (@message like ".writeToClickhouse" and @message like "Timeout error.")\n| stats count(*) as lines by bin(1m)',
    ]);
    const starts = logsMock.commandCalls(StartQueryCommand);
    for (const call of starts) {
      expect(call.args[0].input).toMatchObject({
        logGroupNames: [LOG_GROUP],
        startTime: FROM.getTime() / 1000,
        endTime: TO.getTime() / 1000 - 1,
      });
    }
    expect(await readJson(out, RECORDING_FILES.langfuseLines)).toEqual({
      langfuse_dropped_records: DROPPED_LINES,
      langfuse_clickhouse_timeouts: TIMEOUT_LINES,
    });
    expect(await readJson(out, RECORDING_FILES.meta)).toMatchObject({
      langfuseLinesCountedBy: 'logs-insights',
      langfuseLogGroups: [LOG_GROUP],
    });

    // Act again: replay reads the counts as the filters' series.
    const replayed = capture();
    const replayCode = await main(
      ['replay', out, '--json', '--policy', 'off'],
      replayed.io,
    );

    // Assess
    expect(replayCode).toBe(0);
    const { metrics } = JSON.parse(replayed.out.join('')).evidence.langfuse;
    const sum = (values: (number | null)[]) =>
      values.reduce<number>((total, v) => total + (v ?? 0), 0);
    expect(sum(metrics.langfuse_dropped_records.values)).toBe(22);
    expect(sum(metrics.langfuse_clickhouse_timeouts.values)).toBe(13);
  });

  it('says how to count the lines when the filter series are empty and no log group is given', async () => {
    // Act
    const { code, out, err } = await recordPast(filterlessIncident(), []);

    // Assess
    expect(code).toBe(0);
    expect(err).toMatch(
      /give --langfuse-log-group to count the lines with Logs Insights/,
    );
    expect(logsMock.commandCalls(StartQueryCommand)).toHaveLength(0);
    expect(existsSync(join(out, RECORDING_FILES.langfuseLines))).toBe(false);
    expect(
      (await readJson(out, RECORDING_FILES.meta)).langfuseLinesCountedBy,
    ).toBe('metric-filters');
  });

  it('records the empty series, and says why, when the line count fails', async () => {
    // Prepare: StartQuery refused as the API reference lists it
    // (LimitExceededException: too many concurrent queries).
    logsMock.on(StartQueryCommand).rejects(
      Object.assign(new Error('Account concurrent query limit exceeded'), {
        name: 'LimitExceededException',
      }),
    );

    // Act
    const { code, out, err } = await recordPast(filterlessIncident(), [
      LOG_GROUP,
    ]);

    // Assess
    expect(code).toBe(0);
    expect(err).toMatch(
      /Logs Insights line count: .*concurrent query limit exceeded.* \(not recorded\)/,
    );
    expect(existsSync(join(out, RECORDING_FILES.langfuseLines))).toBe(false);
    expect(
      (await readJson(out, RECORDING_FILES.meta)).langfuseLinesCountedBy,
    ).toBe('metric-filters');
  });

  it('runs no line count when the filters published in the window', async () => {
    // Prepare
    const sent = mockLogsInsights();

    // Act
    const { code, out } = await recordPast(
      simulateScenario('credits-exhausted', { end: TO }),
      [LOG_GROUP],
    );

    // Assess: only the exact dropped-record count ran.
    expect(code).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toContain('count(*) as lines');
    expect(existsSync(join(out, RECORDING_FILES.langfuseLines))).toBe(false);
    expect(
      (await readJson(out, RECORDING_FILES.meta)).langfuseLinesCountedBy,
    ).toBe('metric-filters');
  });
});

describe('start --at --policy --note', () => {
  const ARN =
    'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-prod';
  const AT = '2026-11-20T03:12:00Z';

  async function started(policy: Policy) {
    sfnMock.on(StartExecutionCommand).resolves({
      executionArn: `${ARN.replace('stateMachine', 'execution')}:manual-1`,
      startDate: new Date('2026-11-23T03:00:00Z'),
    });
    const { out, io } = capture();
    const code = await runStart(
      {
        fileSystemId: FS_ID,
        windowMinutes: '120',
        dryRun: false,
        stateMachineArn: ARN,
        at: AT,
        policy,
        note: 'the Tuesday incident, replayed for the review',
      },
      io,
      new SFNClient({ region: 'us-east-1' }),
    );
    const input = JSON.parse(
      sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ??
        '{}',
    );
    return { code, out: out.join(''), input };
  }

  it('passes at, policy and note in the manual input', async () => {
    // Act
    const { code, out, input } = await started('off');

    // Assess
    expect(code).toBe(0);
    expect(input).toEqual({
      fileSystemId: FS_ID,
      windowMinutes: 120,
      dryRun: false,
      policy: 'off',
      at: '2026-11-20T03:12:00.000Z',
      note: 'the Tuesday incident, replayed for the review',
    });
    expect(out).toMatch(
      /asked for policy off, which can only lower the configured one; window ending 2026-11-20T03:12:00.000Z/,
    );
  });

  it.each([
    ['off', 'off'],
    ['auto', 'approve'],
  ] as const)(
    'asks for %s under approve and Normalize runs %s',
    async (asked, runs) => {
      // Act
      const { input } = await started(asked);
      const trigger = normalizeTrigger(input, {
        config: configuredFor('approve'),
        now: () => new Date('2026-11-26T00:00:00Z'),
      });

      // Assess: the window ends at --at, the note is kept, the policy never rises.
      expect(trigger).toMatchObject({
        kind: 'manual',
        policy: runs,
        configuredPolicy: 'approve',
        requestedPolicy: asked,
        windowEnd: '2026-11-20T03:12:00.000Z',
        windowStart: '2026-11-20T01:12:00.000Z',
        note: 'the Tuesday incident, replayed for the review',
      });
    },
  );
});
