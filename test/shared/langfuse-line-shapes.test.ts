/**
 * Langfuse's worker lines as each log route stores them in CloudWatch Logs,
 * against every metric filter pattern and the dropped-records Logs Insights
 * query.
 *
 * Langfuse's line (langfuse/langfuse packages/shared/src/server/logger.ts):
 * LANGFUSE_LOG_FORMAT=text prints `${timestamp} ${level} ${message}` after
 * winston's format.align() put a tab before the message (logform align.js),
 * then, in recent versions (`formatTextLogLine`), the metadata as JSON;
 * =json prints winston's format.json() of the info object: the metadata
 * keys first, then `level`, `message`, `timestamp` and `severity` (its
 * severityFormat). Messages: worker/src/services/ClickhouseWriter/index.ts
 * (tag v3.147.0 line 430, tag v3.148.0 line 436, `writeToClickhouse ${err}`).
 *
 * The routes, each event as CloudWatch Logs stores it:
 * - ECS awslogs: the container's line as it is, one event per line (Amazon
 *   ECS developer guide, "Send Amazon ECS logs to CloudWatch" / the awslogs
 *   log driver: each line of stdout/stderr is a log event).
 * - EKS Fargate's built-in Fluent Bit log router (Amazon EKS user guide,
 *   "Start AWS Fargate logging for your cluster", awsdocs/amazon-eks-user-guide
 *   latest/ug/nodes/fargate-logging.adoc): its example ConfigMap parses the
 *   CRI line with the `crio` parser into `stream`, `logtag`, `log` (the
 *   time becomes the event's timestamp), then the `kubernetes` filter with
 *   `Merge_Log On` and `Keep_Log Off` adds `kubernetes` and, for a JSON
 *   line, moves its keys to the top level and drops `log`; the
 *   `cloudwatch_logs` output sends the record as JSON.
 * - Container Insights' Fluent Bit DaemonSet (aws-samples/
 *   amazon-cloudwatch-container-insights, k8s-deployment-manifest-templates/
 *   deployment-mode/daemonset/container-insights-monitoring/fluent-bit/
 *   fluent-bit.yaml, application-log.conf): tail with the docker/cri
 *   multiline parsers (`log`, `stream`), the `kubernetes` filter with
 *   `Merge_Log On`, `Merge_Log_Key log_processed`, `Labels Off`,
 *   `Annotations Off`, into `/aws/containerinsights/${CLUSTER_NAME}/application`.
 * - The `kubernetes` metadata keys: Fluent Bit manual, "Kubernetes" filter
 *   (pod_name, namespace_name, pod_id, labels, annotations, host,
 *   container_name, docker_id, container_hash, container_image).
 * - ECS FireLens (Amazon ECS developer guide, "Send Amazon ECS logs to an
 *   AWS service or AWS Partner": the Fluentd/Fluent Bit forward record
 *   `container_id`, `container_name`, `source`, `log` of Docker's fluentd
 *   log driver, plus `ecs_cluster`, `ecs_task_arn`, `ecs_task_definition`
 *   with enable-ecs-log-metadata).
 *
 * CloudWatch's own matcher cannot run here: the project's matcher is run
 * under both readings of a term (see TermReading), and docs/langfuse.md
 * gives the `aws logs test-metric-filter` commands, built below, that check
 * the same events on AWS.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  DROPPED_RECORDS_FIELD,
  droppedRecordsInLine,
  droppedRecordsQuery,
  droppedRecordsSeries,
  type ResultRow,
} from '../../shared/domain/sources/langfuse-logs.ts';
import {
  LANGFUSE_LOG_SIGNALS,
  matchesFilterPattern,
  type TermReading,
} from '../../shared/domain/sources/langfuse-patterns.ts';
import { runInsightsQuery } from '../support/insights-query.ts';

const TS = '2026-11-23T02:41:07.312Z';

type Meta = Record<string, unknown>;
/** A Langfuse worker line in one of its two formats. */
type Line = { format: 'text' | 'json'; text: string };

const langfuseText = (message: string, meta?: Meta): Line => ({
  format: 'text',
  text: `${TS} error \t${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`,
});
const langfuseJson = (message: string, meta: Meta = {}): Line => ({
  format: 'json',
  text: JSON.stringify({
    ...meta,
    level: 'error',
    message,
    timestamp: TS,
    severity: 'ERROR',
  }),
});

const KUBERNETES = {
  pod_name: 'langfuse-worker-7c9d8f6b5d-x2x7q',
  namespace_name: 'langfuse',
  pod_id: '3f0b6f1e-8d4c-4a57-9a51-0c2f2b8e4d11',
  host: 'ip-10-0-12-34.ec2.internal',
  container_name: 'langfuse-worker',
  docker_id: 'a3c1e9f0b7d24c58',
  container_hash: 'docker.io/langfuse/langfuse-worker@sha256:9b2f',
  container_image: 'docker.io/langfuse/langfuse-worker:3',
};

type Shape = {
  name: string;
  /** The raw CloudWatch Logs event for a Langfuse line. */
  event: (line: Line) => string;
};

/** Every route, for the text and the JSON format. */
const SHAPES: Shape[] = [
  { name: 'ECS awslogs, text format', event: (l) => l.text },
  { name: 'ECS awslogs, JSON format', event: (l) => l.text },
  {
    name: 'EKS Fargate Fluent Bit, text format',
    event: (l) =>
      JSON.stringify({
        stream: 'stdout',
        logtag: 'F',
        log: l.text,
        kubernetes: { ...KUBERNETES, labels: { app: 'langfuse-worker' } },
      }),
  },
  {
    name: 'EKS Fargate Fluent Bit, JSON format merged (Merge_Log On, Keep_Log Off)',
    event: (l) =>
      JSON.stringify({
        stream: 'stdout',
        logtag: 'F',
        ...(JSON.parse(l.text) as Meta),
        kubernetes: { ...KUBERNETES, labels: { app: 'langfuse-worker' } },
      }),
  },
  {
    name: 'EKS Fargate Fluent Bit, JSON format not merged',
    event: (l) =>
      JSON.stringify({
        stream: 'stdout',
        logtag: 'F',
        log: l.text,
        kubernetes: { ...KUBERNETES, labels: { app: 'langfuse-worker' } },
      }),
  },
  {
    name: 'Container Insights Fluent Bit, text format',
    event: (l) =>
      JSON.stringify({ log: l.text, stream: 'stdout', kubernetes: KUBERNETES }),
  },
  {
    name: 'Container Insights Fluent Bit, JSON format (log_processed)',
    event: (l) =>
      JSON.stringify({
        log: l.text,
        stream: 'stdout',
        log_processed: JSON.parse(l.text) as Meta,
        kubernetes: KUBERNETES,
      }),
  },
  {
    name: 'ECS FireLens, text format',
    event: (l) =>
      JSON.stringify({
        container_id: 'a3c1e9f0b7d24c58',
        container_name: 'langfuse-worker',
        source: 'stdout',
        log: l.text,
        ecs_cluster: 'langfuse',
        ecs_task_arn:
          'arn:aws:ecs:us-east-1:111122223333:task/langfuse/0f9c2b1e7a5d4c3b',
        ecs_task_definition: 'langfuse-worker:42',
      }),
  },
  {
    name: 'ECS FireLens, JSON format',
    event: (l) =>
      JSON.stringify({
        container_id: 'a3c1e9f0b7d24c58',
        container_name: 'langfuse-worker',
        source: 'stdout',
        log: l.text,
        ecs_cluster: 'langfuse',
        ecs_task_arn:
          'arn:aws:ecs:us-east-1:111122223333:task/langfuse/0f9c2b1e7a5d4c3b',
        ecs_task_definition: 'langfuse-worker:42',
      }),
  },
];

/** Which Langfuse format each shape carries. */
const FORMAT_OF: Record<string, Line['format']> = Object.fromEntries(
  SHAPES.map((s) => [s.name, /text format/.test(s.name) ? 'text' : 'json']),
);
const line = (shape: Shape, message: string, meta?: Meta) =>
  shape.event(
    FORMAT_OF[shape.name] === 'text'
      ? langfuseText(message, meta)
      : langfuseJson(message, meta),
  );

const V147 = 'Max attempts reached for traces record. Dropping record.';
const V148 =
  'ClickhouseWriter: Max attempts reached, dropped 12 traces record(s)';
const TIMEOUT = 'ClickhouseWriter.writeToClickhouse Error: Timeout error.';
const V147_META = { item: { id: 't-1', name: 'chat', projectId: 'p-1' } };
const V148_META = {
  droppedIds: [{ project_id: 'p-1', trace_id: 't-1', id: 't-1' }],
};

/** Lines no filter may count: a healthy line and other errors. */
const OTHER_MESSAGES = [
  'ClickhouseWriter.flush traces',
  'ClickHouse Writer failed with retryable error for traces (attempt 1/3): Timeout error.',
  'ClickhouseWriter.writeToClickhouse Error: socket hang up',
];

const filter = (name: string) => {
  for (const signal of LANGFUSE_LOG_SIGNALS) {
    const found = signal.filters.find((f) => f.name === name);
    if (found) return found;
  }
  throw new Error(`no filter ${name}`);
};
const ALL_FILTERS = LANGFUSE_LOG_SIGNALS.flatMap((s) => s.filters);

/** Each filter with the Langfuse line it exists for. */
const CASES = [
  { filter: 'dropped-records-v3-147', message: V147, meta: V147_META },
  { filter: 'dropped-records-v3-148', message: V148, meta: V148_META },
  { filter: 'clickhouse-write-timeouts', message: TIMEOUT, meta: undefined },
] as const;

const READINGS: TermReading[] = ['substring', 'word'];

describe.each(READINGS)('the filter patterns, terms read as %s', (reading) => {
  describe.each(SHAPES)('on $name', (shape) => {
    it.each(CASES)(
      'match the line $filter is for, and only that filter',
      (c) => {
        // Prepare
        const event = line(shape, c.message, c.meta);

        // Act
        const matched = ALL_FILTERS.filter((f) =>
          matchesFilterPattern(f.pattern, event, reading),
        ).map((f) => f.name);

        // Assess
        expect(matched).toEqual([c.filter]);
      },
    );

    it.each(OTHER_MESSAGES)('match no filter on: %s', (message) => {
      // Prepare
      const event = line(shape, message);

      // Act / Assess
      for (const f of ALL_FILTERS) {
        expect(matchesFilterPattern(f.pattern, event, reading)).toBe(false);
      }
    });
  });
});

describe('the word reading of a term', () => {
  const fargateText = SHAPES[2] as Shape;

  it('loses a term that starts at the message after the escaped tab', () => {
    // Prepare: the raw event holds `\tMax attempts ...`: backslash, "t",
    // then the message, so "Max" is the end of the word "tMax".
    const event = line(fargateText, V147);
    expect(event).toContain('\\tMax attempts reached for');

    // Act / Assess: a term from the message's first word is found only
    // inside a word, which is why no filter term starts there.
    expect(
      matchesFilterPattern('"Max attempts reached for"', event, 'word'),
    ).toBe(false);
    expect(
      matchesFilterPattern('"Max attempts reached for"', event, 'substring'),
    ).toBe(true);
    expect(matchesFilterPattern('"attempts reached for"', event, 'word')).toBe(
      true,
    );
  });

  it('finds a term that starts or ends with punctuation beside a word', () => {
    // Act / Assess
    expect(
      matchesFilterPattern(
        '".writeToClickhouse"',
        'x.writeToClickhouse y',
        'word',
      ),
    ).toBe(true);
    expect(
      matchesFilterPattern('ERROR', '[ERROR 400] BAD REQUEST', 'word'),
    ).toBe(true);
    expect(matchesFilterPattern('ERROR', '[ERRORS 400]', 'word')).toBe(false);
    expect(matchesFilterPattern('ERROR', '[ERRORS 400]', 'substring')).toBe(
      true,
    );
  });
});

/**
 * GetQueryResults' `results`: one list of `{field, value}` per row
 * (CloudWatch Logs API reference, GetQueryResults example), here the one
 * bin the query's `stats ... by bin(1m)` gives for events of one minute.
 */
const queryResults = (droppedRecords: number): ResultRow[] =>
  droppedRecords === 0
    ? []
    : [
        [
          { field: 'bin(1m)', value: '2026-11-23 02:41:00.000' },
          { field: DROPPED_RECORDS_FIELD, value: String(droppedRecords) },
        ],
      ];

describe('the dropped-records query on every shape', () => {
  const grid = { start: new Date('2026-11-23T02:40:00Z'), points: 3 };

  const counted = SHAPES;

  it.each(counted)('counts 1 + 12 dropped records on $name', (shape) => {
    // Prepare: a v3.147 line (1 record), a v3.148 summary (12), a timeout
    // and the lines no filter counts.
    const events = [
      line(shape, V147, V147_META),
      line(shape, V148, V148_META),
      line(shape, TIMEOUT),
      ...OTHER_MESSAGES.map((m) => line(shape, m)),
    ];

    // Act
    const total = runInsightsQuery(droppedRecordsQuery(1), events);
    const series = droppedRecordsSeries(queryResults(total), grid, 60);

    // Assess
    expect(total).toBe(13);
    expect(series.values).toEqual([0, 13, 0]);
    expect(events.map(droppedRecordsInLine)).toEqual([1, 12, 0, 0, 0, 0]);
  });

  it.each(counted)(
    'never counts a summary quoted in a logged record on $name',
    (shape) => {
      // Prepare: up to v3.147 the dropped record is logged, and its input
      // may quote anything.
      const events = [
        line(shape, V147, { item: { input: `${V148} ${V148}` } }),
        line(shape, 'Received ingestion event', { body: V148 }),
      ];

      // Act / Assess
      expect(runInsightsQuery(droppedRecordsQuery(1), events)).toBe(1);
    },
  );

  it.each(SHAPES.filter((s) => /not merged|FireLens, JSON/.test(s.name)))(
    'reads the top-level message of a JSON line left as text on $name',
    (shape) => {
      // Prepare: the metadata before the message holds a nested object with
      // its own "message" and "timestamp" keys, as a logged record may.
      const nested = {
        item: { message: V148, timestamp: TS },
        body: { message: V147, timestamp: TS },
      };
      const events = [
        line(shape, 'Received ingestion event', nested),
        line(shape, V147, nested),
      ];

      // Act / Assess: only the v3.147 line's own message counts.
      expect(runInsightsQuery(droppedRecordsQuery(1), events)).toBe(1);
      expect(events.map(droppedRecordsInLine)).toEqual([0, 1]);
    },
  );
});

/**
 * One `aws logs test-metric-filter` command per filter with every shape's
 * event: `$'...'` for the ECS text line, whose tab must reach AWS as a tab,
 * plain single quotes otherwise, whose backslashes must reach it as they
 * are.
 */
function shellQuote(event: string): string {
  if (event.includes('\t')) {
    return `$'${event.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\t', '\\t')}'`;
  }
  if (event.includes("'")) throw new Error(`quote in ${event}`);
  return `'${event}'`;
}

function testMetricFilterCommands(): string[] {
  return CASES.map((c) => {
    const events = SHAPES.map((s) => shellQuote(line(s, c.message, c.meta)));
    return [
      `aws logs test-metric-filter --filter-pattern '${filter(c.filter).pattern}' \\`,
      `  --log-event-messages \\`,
      ...events.map((e, i) => `  ${e}${i === events.length - 1 ? '' : ' \\'}`),
    ].join('\n');
  });
}

describe('the documented test-metric-filter commands', () => {
  it('are in docs/langfuse.md, one per filter with every shape', async () => {
    // Prepare
    const doc = await readFile('docs/langfuse.md', 'utf8');

    // Act / Assess
    for (const command of testMetricFilterCommands()) {
      expect(doc).toContain(command);
    }
  });

  it('quote the ECS text line so that its tab reaches AWS as a tab', () => {
    // Act
    const [first] = testMetricFilterCommands();

    // Assess
    expect(first).toContain(`$'${TS} error \\tMax attempts reached for`);
    expect(first).toContain(`"log":"${TS} error \\tMax attempts reached for`);
  });
});
