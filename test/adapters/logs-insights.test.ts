/**
 * The Logs Insights adapter and the Langfuse collector's exact count, with
 * CloudWatch Logs mocked at the SDK client.
 *
 * Shapes from the CloudWatch Logs API reference: StartQuery answers
 * `{"queryId": "12ab3456-12ab-123a-789e-1234567890ab"}`; GetQueryResults
 * answers `results` (rows of `{field, value}`), `statistics`
 * (`bytesScanned`, `recordsMatched`, `recordsScanned`) and `status`
 * (Scheduled | Running | Complete | Failed | Cancelled | Timeout | Unknown);
 * StopQuery answers `{"success": true}`. The query text itself is checked
 * here only for what is sent; what Logs Insights computes from it can be
 * verified only on AWS (docs/recording-format.md, docs/diagnosis.md).
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectLangfuse,
  LOGS_INSIGHTS_TIMEOUT_MS,
} from '../../functions/collect-langfuse/core.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createLogsInsightsPort } from '../../shared/adapters/aws-logs-insights.ts';
import { type AppConfig, parseConfig } from '../../shared/domain/config.ts';
import { langfuseEvidenceSchema } from '../../shared/domain/contracts.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { metricResult } from '../fixtures/aws-responses.ts';
import { manualTrigger } from '../fixtures/inputs.ts';

const end = new Date('2026-11-23T03:00:00Z');
const trigger = manualTrigger(end, { windowMinutes: 30 });
const QUERY_ID = '12ab3456-12ab-123a-789e-1234567890ab';
const LOG_GROUPS = ['/ecs/langfuse-worker', '/ecs/langfuse-worker-2'];

const logsMock = mockClient(CloudWatchLogsClient);
const cwMock = mockClient(CloudWatchClient);
afterEach(() => {
  logsMock.reset();
  cwMock.reset();
});

function config(logGroups: string[] = LOG_GROUPS): AppConfig {
  return parseConfig({
    region: 'us-east-1',
    fileSystems: [{ fileSystemId: FS_ID, insightsLogGroups: logGroups }],
  });
}

/** A fake clock that a sleep moves on, so the deadline is reached at once. */
function fakeTime() {
  let t = end.getTime();
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

function ports(logGroups?: string[]) {
  return {
    metrics: createMetricsPort(new CloudWatchClient({ region: 'us-east-1' })),
    logsInsights: createLogsInsightsPort(
      new CloudWatchLogsClient({ region: 'us-east-1' }),
      { pollIntervalMs: 500, ...fakeTime() },
    ),
    clock: { now: () => end },
    config: config(logGroups),
  };
}

/** The metric filter sees 3 lines: two v3.148 batch lines and one old line. */
function filterSeries() {
  const values = new Array(30).fill(0);
  values[3] = 1;
  values[10] = 2;
  cwMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      metricResult('langfuse_dropped_records', end, values),
      metricResult('langfuse_clickhouse_timeouts', end, new Array(30).fill(0)),
    ],
    Messages: [],
  } as never);
}

const row = (bin: string, n: string) => [
  { field: 'bin(1m)', value: bin },
  { field: 'droppedRecords', value: n },
];

describe('the Langfuse collector with Logs Insights', () => {
  it('counts dropped records exactly when the query completes', async () => {
    // Prepare: Scheduled, Running, then Complete.
    filterSeries();
    logsMock.on(StartQueryCommand).resolves({ queryId: QUERY_ID });
    logsMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Scheduled', results: [] })
      .resolvesOnce({
        status: 'Running',
        results: [row('2026-11-23 02:50:00.000', '12')],
      })
      .resolvesOnce({
        status: 'Complete',
        results: [
          row('2026-11-23 02:50:00.000', '1000'),
          row('2026-11-23 02:43:00.000', '12'),
        ],
        statistics: {
          bytesScanned: 81349723,
          recordsMatched: 2,
          recordsScanned: 610956,
        },
      });

    // Act
    const evidence = await collectLangfuse(trigger, ports());

    // Assess
    expect(langfuseEvidenceSchema.parse(evidence)).toEqual(evidence);
    if (!evidence.available) throw new Error('expected evidence');
    const start = logsMock.commandCalls(StartQueryCommand)[0]?.args[0].input;
    expect(start?.logGroupNames).toEqual(LOG_GROUPS);
    // Epoch seconds, both ends inclusive: 02:30:00 to 02:59:59.
    expect(start?.startTime).toBe(Date.parse('2026-11-23T02:30:00Z') / 1000);
    expect(start?.endTime).toBe(Date.parse('2026-11-23T02:59:59Z') / 1000);
    expect(start?.queryString).toMatch(/by bin\(1m\)$/);
    // One row per bin: the limit is StartQuery's maximum, not the default.
    expect(start?.limit).toBe(10_000);
    expect(
      logsMock.commandCalls(GetQueryResultsCommand)[0]?.args[0].input,
    ).toEqual({ queryId: QUERY_ID });
    expect(logsMock.commandCalls(StopQueryCommand)).toHaveLength(0);
    const count = evidence.droppedRecordsCount;
    expect(count?.source).toBe('logs-insights');
    expect(count?.bytesScanned).toBe(81349723);
    expect(count?.series?.values[13]).toBe(12);
    expect(count?.series?.values[20]).toBe(1000);
    expect(count?.series?.values.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(
      1012,
    );
    // The filter series stays, for the alarms' view.
    expect(
      evidence.metrics.langfuse_dropped_records?.values.filter((v) => v),
    ).toHaveLength(2);
  });

  it('stops a query still running at the deadline and falls back to the filters', async () => {
    // Prepare
    filterSeries();
    logsMock.on(StartQueryCommand).resolves({ queryId: QUERY_ID });
    logsMock
      .on(GetQueryResultsCommand)
      .resolves({ status: 'Running', results: [] });
    logsMock.on(StopQueryCommand).resolves({ success: true });

    // Act
    const evidence = await collectLangfuse(trigger, ports());

    // Assess
    if (!evidence.available) throw new Error('expected evidence');
    expect(logsMock.commandCalls(StopQueryCommand)[0]?.args[0].input).toEqual({
      queryId: QUERY_ID,
    });
    // Polled every 500 ms until the next look would pass the deadline.
    expect(logsMock.commandCalls(GetQueryResultsCommand)).toHaveLength(
      LOGS_INSIGHTS_TIMEOUT_MS / 500 + 1,
    );
    expect(evidence.droppedRecordsCount).toEqual({
      source: 'metric-filter',
      note: expect.stringMatching(
        /^Logs Insights: Logs Insights query still Running after 12 s; stopped it; counted from the log metric filters/,
      ),
    });
    expect(evidence.metrics.langfuse_dropped_records).toBeDefined();
  });

  it.each(['Failed', 'Cancelled', 'Timeout', 'Unknown'] as const)(
    'falls back to the filters when the query ends %s',
    async (status) => {
      // Prepare
      filterSeries();
      logsMock.on(StartQueryCommand).resolves({ queryId: QUERY_ID });
      logsMock.on(GetQueryResultsCommand).resolves({ status, results: [] });

      // Act
      const evidence = await collectLangfuse(trigger, ports());

      // Assess
      if (!evidence.available) throw new Error('expected evidence');
      expect(evidence.droppedRecordsCount?.source).toBe('metric-filter');
      expect(evidence.droppedRecordsCount?.note).toContain(`ended ${status}`);
      expect(logsMock.commandCalls(StopQueryCommand)).toHaveLength(0);
    },
  );

  it('falls back when StartQuery is refused', async () => {
    // Prepare
    filterSeries();
    logsMock.on(StartQueryCommand).rejects(
      Object.assign(new Error('Log group does not exist'), {
        name: 'ResourceNotFoundException',
      }),
    );

    // Act
    const evidence = await collectLangfuse(trigger, ports());

    // Assess
    if (!evidence.available) throw new Error('expected evidence');
    expect(evidence.droppedRecordsCount?.note).toMatch(
      /^Logs Insights: Log group does not exist/,
    );
  });

  it('runs no query without configured log groups', async () => {
    // Prepare
    filterSeries();

    // Act
    const evidence = await collectLangfuse(trigger, ports([]));

    // Assess
    if (!evidence.available) throw new Error('expected evidence');
    expect(logsMock.commandCalls(StartQueryCommand)).toHaveLength(0);
    expect(evidence.droppedRecordsCount?.note).toMatch(
      /^no Langfuse log groups are configured/,
    );
  });

  it('refuses more log groups than StartQuery takes, before calling it', async () => {
    // Prepare: StartQuery takes at most 50 log groups.
    filterSeries();
    const many = Array.from({ length: 51 }, (_, i) => `/ecs/worker-${i}`);

    // Act
    const evidence = await collectLangfuse(trigger, ports(many));

    // Assess
    if (!evidence.available) throw new Error('expected evidence');
    expect(logsMock.commandCalls(StartQueryCommand)).toHaveLength(0);
    expect(evidence.droppedRecordsCount?.note).toMatch(/at most 50 log groups/);
  });
});
