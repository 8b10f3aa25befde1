/**
 * Every function built as `sst deploy` builds it (infra/sst-build.ts,
 * after the sst repo's pkg/runtime/node/build.go), imported in a fresh
 * Node 24 process as the nodejs24.x runtime imports it, and invoked once
 * with a sample event and the environment deploy gives it:
 * BURSTGUARD_CONFIG from infra/deploy-config.ts, links in an encrypted
 * resource.enc as SST 4 ships them, Lambda's own variables. Its AWS
 * clients reach loopback doubles through AWS_ENDPOINT_URL_<SERVICE>
 * (test/support/aws-wire.ts), DynamoDB is dynalite, Slack the Slack
 * double, ClickHouse a real clickhouse-server, S3 the recovery's loopback
 * S3 server behind a recording pass-through (test/support/s3-wire.ts),
 * Langfuse's admin ingestion-replay endpoint its double
 * (test/support/langfuse-replay-server.ts). The steps run in the order
 * their state machine runs them (the runbook's, then the recovery's:
 * workflows/recovery.ts), each fed the state as the ASL hands it on.
 * A bundle that fails to load, or a handler that throws, fails here.
 *
 * No S3 path-style setting is needed for the loopback endpoint: S3's
 * endpoint rules address the bucket in the path whenever the endpoint's
 * host is an IP address (rules test "using an IPv4 address forces path
 * style": aws/aws-sdk-ruby gems/aws-sdk-s3/spec/endpoint_provider_spec.rb,
 * generated from the same S3 rule set as @aws-sdk/client-s3's), so the
 * deployed client, built without `forcePathStyle`, reaches 127.0.0.1
 * through AWS_ENDPOINT_URL_S3 as it is.
 */
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configEnvironment,
  withRecoveryBucket,
} from '../../infra/deploy-config.ts';
import { componentName, FUNCTION_NAMES } from '../../infra/functions.ts';
import {
  FUNCTION_LINKS,
  type FunctionName,
  type LinkName,
} from '../../infra/iam.ts';
import { buildFunctionAsSst } from '../../infra/sst-bundle.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { createDynamoAdvisorStore } from '../../shared/adapters/dynamo-advisor-store.ts';
import { type AppConfig, parseConfig } from '../../shared/domain/config.ts';
import {
  afterDiagnoseSchema,
  afterGatherSchema,
  afterNotifySchema,
  afterOpenSchema,
  afterRemediateSchema,
  approvalRoundSchema,
  diagnoseOutputSchema,
  gatherBranchSchema,
  incidentSchema,
  notificationSchema,
  remediationSchema,
  triggerSchema,
  verificationSchema,
} from '../../shared/domain/contracts.ts';
import {
  type BatchResult,
  batchResultSchema,
  type RecoveryPlan,
  recoveryPlanSchema,
} from '../../shared/domain/recovery/steps.ts';
import { recoveryItemKey } from '../../shared/domain/recovery/store.ts';
import { FS_ID, singleMetricAlarm } from '../fixtures/alarm-events.ts';
import { describeFileSystemsResponse } from '../fixtures/aws-responses.ts';
import {
  type AwsWire,
  startAwsWire,
  toWire,
  type WireRequest,
  type WireService,
  wireService,
} from '../support/aws-wire.ts';
import {
  type ClickHouseTestServer,
  startClickHouseServer,
} from '../support/clickhouse-server.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import {
  type ColdStart,
  type Invocation,
  invokeBundle,
} from '../support/lambda-runtime.ts';
import {
  type ReplayServer,
  startReplayServer,
} from '../support/langfuse-replay-server.ts';
import { type S3Wire, startS3Wire } from '../support/s3-wire.ts';
import { type SlackDouble, startSlackDouble } from '../support/slack-double.ts';
import { textFields } from '../support/slack-text.ts';
import {
  linkableLink,
  secretLink,
  writeSstResources,
} from '../support/sst-resources.ts';
import {
  startWebhookDouble,
  type WebhookDouble,
} from '../support/webhook-double.ts';

const TABLE = 'burstguard-deploy-test-incidents';
const BOT_TOKEN = 'xoxb-deploy-test-token';
const SIGNING_SECRET = 'deploy-test-signing-secret';
const APPROVER = 'U01APPROVER';
const TASK_TOKEN = 'deploy-test-task-token';
const STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-test-runbook';
const ALARM = singleMetricAlarm();
const ALARM_AT = new Date(ALARM.detail.state.timestamp);
/** The role credentials Lambda gives every function. */
const LAMBDA_CREDENTIALS = {
  accessKeyId: 'ASIADEPLOYTEST00000',
  secretAccessKey: 'deploy-test-secret',
};
/** Langfuse's events bucket, and burstguard's own (infra/recovery.ts). */
const EVENTS_BUCKET = 'langfuse-events-deploy-test';
const OWN_BUCKET = 'burstguard-test-recovery-123456789012-us-east-1';
/** Langfuse's ADMIN_API_KEY, kept as the credentials' langfuseAdminKey. */
const LANGFUSE_ADMIN_KEY = 'lf-admin-deploy-test-key';
/** The recovery's execution ($$.Execution.Id, the run id) and window. */
const RECOVERY_EXECUTION =
  'arn:aws:states:us-east-1:123456789012:execution:burstguard-test-recovery:deploy-recovery-1';
const RECOVERY_WINDOW = {
  from: '2026-11-23T03:05:00.000Z',
  to: '2026-11-23T03:50:00.000Z',
};
const RECOVERY_TOKEN = 'deploy-test-recovery-task-token';
/**
 * Langfuse's events bucket: keys as its ingestion-replay endpoint reads
 * them (langfuse/langfuse web/src/pages/api/admin/ingestion-replay.ts:
 * `{projectId}/{type}/{eventBodyId}/{eventId}.json` and
 * `otel/{projectId}/{yyyy}/{mm}/{dd}/{hh}/{mm}/{id}.json`), each uploaded
 * (its LastModified) at the time given.
 */
const EVENT_OBJECTS = [
  // Uploaded in the window: replayed.
  { key: 'p1/trace/t-1/e-1.json', uploadedAt: '2026-11-23T03:14:10Z' },
  { key: 'p1/span/s-1/e-2.json', uploadedAt: '2026-11-23T03:20:00Z' },
  {
    key: 'otel/p1/2026/11/23/03/14/o-1.json',
    uploadedAt: '2026-11-23T03:14:30Z',
  },
  // Before and after the window: listed, skipped.
  { key: 'p1/trace/t-0/e-0.json', uploadedAt: '2026-11-23T02:40:00Z' },
  {
    key: 'otel/p1/2026/11/23/03/55/o-2.json',
    uploadedAt: '2026-11-23T03:55:10Z',
  },
  // In the window, of a type the endpoint does not replay (no
  // `dataset-create` in Langfuse's eventTypes).
  { key: 'p1/dataset/d-1/e-3.json', uploadedAt: '2026-11-23T03:15:00Z' },
];

/** CloudWatch's answers: a simulated incident, credits exhausted. */
const RECORDING = simulateScenario('credits-exhausted', {
  fileSystemId: FS_ID,
  end: ALARM_AT,
});

let outDir: string;
let built: Record<string, { dir: string; file: string }>;
let dynamo: LocalDynamo;
let slack: SlackDouble;
let clickhouse: ClickHouseTestServer;
let wire: AwsWire;
let pager: WebhookDouble;
let s3: S3Wire;
let langfuse: ReplayServer;
let config: AppConfig;
/** What EFS reports; UpdateFileSystem changes it, as the API does. */
let throughputMode = 'bursting';

/**
 * GetMetricData (CloudWatch API reference, GetMetricData and
 * MetricDataResult): one result per query, found by its metric name,
 * timestamps in epoch seconds as the JSON protocol carries them; a metric
 * with no data is Complete and empty. The simulated incident is moved to
 * end where the request's window ends, so a later window (the preflight's,
 * now) sees the same incident.
 */
function getMetricData(request: WireRequest) {
  const queries = request.body.MetricDataQueries as {
    Id: string;
    MetricStat?: { Metric?: { MetricName?: string } };
  }[];
  const endSeconds = Number(request.body.EndTime);
  const shiftMs =
    Math.floor((endSeconds * 1000) / 60_000) * 60_000 -
    new Date(RECORDING.meta.end).getTime();
  const results = RECORDING.metricData.MetricDataResults;
  return {
    body: {
      MetricDataResults: queries.map(({ Id, MetricStat }) => {
        const name = MetricStat?.Metric?.MetricName;
        const found =
          results.find((r) => r.Id === Id) ??
          results.find((r) => name !== undefined && r.Label === name);
        return {
          Id,
          Label: found?.Label ?? Id,
          Timestamps: (found?.Timestamps ?? []).map(
            (t) => (new Date(t).getTime() + shiftMs) / 1000,
          ),
          Values: found?.Values ?? [],
          StatusCode: 'Complete',
        };
      }),
      Messages: [],
    },
  };
}

/** DescribeFileSystems, as in the EFS API reference example. */
function describeFileSystems() {
  return {
    body: toWire(
      describeFileSystemsResponse({ ThroughputMode: throughputMode }),
    ),
  };
}

/** UpdateFileSystem: 202 and the FileSystemDescription (EFS API reference). */
function updateFileSystem(request: WireRequest) {
  throughputMode = String(request.body.ThroughputMode);
  const [description] = describeFileSystemsResponse({
    ThroughputMode: throughputMode,
    LifeCycleState: 'updating',
  }).FileSystems;
  return { status: 202, body: toWire(description) };
}

/** A PNG: its signature, then an IHDR chunk of 800 x 360 (PNG spec 11.2.2). */
const CHART_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from([0, 0, 0, 13]),
  Buffer.from('IHDR', 'latin1'),
  Buffer.from([0, 0, 3, 0x20, 0, 0, 1, 0x68, 8, 6, 0, 0, 0]),
]);

/**
 * GetMetricWidgetImage (CloudWatch API reference): the PNG as
 * MetricWidgetImage, a blob, which the JSON protocol carries as base64.
 */
function getMetricWidgetImage() {
  return { body: { MetricWidgetImage: CHART_PNG.toString('base64') } };
}

/**
 * DescribeAlarms (CloudWatch API reference, DescribeAlarms and
 * MetricAlarm): the named metric alarms with their StateValue; names that
 * match no alarm are left out of MetricAlarms. Every alarm reads OK, as
 * after an incident has ended.
 */
function describeAlarms(request: WireRequest) {
  const names = (request.body.AlarmNames ?? []) as string[];
  return {
    body: {
      MetricAlarms: names.map((name) => ({
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
        StateValue: 'OK',
        StateReason: 'Threshold Crossed: no datapoints were breaching',
        StateUpdatedTimestamp: ALARM_AT.getTime() / 1000 + 600,
      })),
      CompositeAlarms: [],
    },
  };
}

/** The Langfuse worker's log group the collector queries. */
const LOG_GROUP = '/ecs/langfuse-worker';
const QUERY_ID = '12ab3456-12ab-123a-789e-1234567890ab';

/**
 * StartQuery (CloudWatch Logs API reference, StartQuery: `logGroupNames`,
 * `startTime`/`endTime` in epoch seconds, `queryString`) answers a
 * queryId; GetQueryResults answers `status`, the rows as `{field, value}`
 * pairs and `statistics` (API reference example). One bin of the window:
 * 1,437 records dropped in the minute the alarm fired.
 */
function startQuery(request: WireRequest) {
  expect(request.body.logGroupNames).toEqual([LOG_GROUP]);
  return { body: { queryId: QUERY_ID } };
}

function getQueryResults(request: WireRequest) {
  expect(request.body.queryId).toBe(QUERY_ID);
  const minute = new Date(Math.floor(ALARM_AT.getTime() / 60_000) * 60_000);
  const bin = minute.toISOString().replace('T', ' ').replace('Z', '');
  return {
    body: {
      status: 'Complete',
      results: [
        [
          { field: 'bin(1m)', value: bin },
          { field: 'droppedRecords', value: '1437' },
        ],
      ],
      statistics: {
        recordsMatched: 12,
        recordsScanned: 51_234,
        bytesScanned: 9_876_543,
      },
    },
  };
}

/**
 * The AWS APIs the functions call, one entry per service and operation.
 * A call to an operation missing here fails the last test.
 */
const AWS_DOUBLES: WireService[] = [
  wireService('CloudWatch', {
    GetMetricData: getMetricData,
    DescribeAlarms: describeAlarms,
    GetMetricWidgetImage: getMetricWidgetImage,
  }),
  wireService('CloudWatch Logs', {
    StartQuery: startQuery,
    GetQueryResults: getQueryResults,
  }),
  wireService('EFS', {
    DescribeFileSystems: describeFileSystems,
    UpdateFileSystem: updateFileSystem,
  }),
  // SendTaskSuccess answers an empty object; StartExecution the
  // executionArn and startDate (SFN API reference).
  wireService('SFN', {
    SendTaskSuccess: () => ({ body: {} }),
    StartExecution: (request: WireRequest) => ({
      body: {
        executionArn: `${String(request.body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${String(request.body.name)}`,
        startDate: Date.now() / 1000,
      },
    }),
  }),
];

/**
 * The linked resources, by link name (infra/iam.ts FUNCTION_LINKS says
 * which function gets which).
 */
const LINKS = {
  SlackBotToken: () => secretLink(BOT_TOKEN),
  SlackSigningSecret: () => secretLink(SIGNING_SECRET),
  // The file system's own login (shared/domain/credentials.ts), and a
  // per-stage default that would fail: the collector must use the former.
  ClickHouseCredentials: () =>
    secretLink(
      JSON.stringify({
        [FS_ID]: {
          clickhouseUser: clickhouse.user,
          clickhousePassword: clickhouse.password,
          langfuseAdminKey: LANGFUSE_ADMIN_KEY,
        },
      }),
    ),
  ClickHousePassword: () => secretLink('stage-default-not-the-password'),
  // Unset (SST's empty placeholder): the system CAs; ClickHouse is on
  // plain http on loopback here.
  ClickHouseCaCertificate: () => secretLink(''),
  // A pager's integration URL: the loopback webhook double.
  PagerWebhookUrl: () => secretLink(pager.url()),
  Incidents: () => linkableLink({ name: TABLE }),
} satisfies Record<LinkName, unknown>;

function environmentFor(
  name: FunctionName,
  sst: Record<string, string>,
): Record<string, string> {
  return {
    // What Lambda sets for every nodejs24.x function (Lambda developer
    // guide, "Defined runtime environment variables").
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: `burstguard-test-${componentName(name)}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_ACCESS_KEY_ID: LAMBDA_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LAMBDA_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'deploy-test-session',
    LAMBDA_TASK_ROOT: built[name]?.dir ?? '',
    _HANDLER: `functions/${name}/handler.handler`,
    // What sst.config.ts and SST set.
    ...configEnvironment(config),
    ...sst,
    // What infra/functions.ts gives the advisor of its own.
    ...(name === 'advisor'
      ? { BURSTGUARD_STATE_MACHINE_ARN: STATE_MACHINE_ARN }
      : {}),
    // The loopback doubles.
    ...wire.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  };
}

/** Invokes a built function as deployed; any failure fails the test. */
async function invoke(name: FunctionName, event: unknown): Promise<unknown> {
  const fn = built[name];
  if (!fn) throw new Error(`${name} was not built`);
  const links = Object.fromEntries(
    FUNCTION_LINKS[name].map((link) => [link, LINKS[link]()]),
  );
  const sst = await writeSstResources(fn.dir, links, {
    name: 'burstguard',
    stage: 'test',
  });
  const outcome: Invocation = await invokeBundle({
    file: fn.file,
    cwd: fn.dir,
    env: environmentFor(name, sst),
    event,
    functionName: `burstguard-test-${componentName(name)}`,
  });
  if (!outcome.ok) {
    throw new Error(
      `${name} failed at ${outcome.phase}: ${outcome.errorType}: ${outcome.errorMessage}\n${outcome.output.slice(-3000)}`,
    );
  }
  invoked.add(name);
  recordColdStart(name, outcome.timing);
  return outcome.result;
}

/**
 * `npm run bench` runs this file with BURSTGUARD_COLD_STARTS naming a
 * file: each invocation's init and first call go there, a JSON line each
 * (bench/first-invocation.ts).
 */
function recordColdStart(name: FunctionName, timing: ColdStart) {
  const file = process.env.BURSTGUARD_COLD_STARTS;
  if (file) appendFileSync(file, `${JSON.stringify({ name, ...timing })}\n`);
}

/** Invokes Notify; its answer and the Slack calls it made. */
async function notify(kind: string, state: unknown) {
  const before = slack.calls.length;
  const notification = notificationSchema.parse(
    await invoke('notify', { kind, state }),
  );
  return { notification, posted: slack.calls.slice(before) };
}

const invoked = new Set<FunctionName>();

beforeAll(async () => {
  // Inside the project, so the external @aws-sdk/* resolves from its
  // node_modules as the runtime resolves its own copy.
  const parent = join(process.cwd(), '.burstguard');
  mkdirSync(parent, { recursive: true });
  outDir = await mkdtemp(join(parent, 'deploy-bundles-'));
  const builds = await Promise.all(
    FUNCTION_NAMES.map(
      async (name) => [name, await buildFunctionAsSst(name, outDir)] as const,
    ),
  );
  built = Object.fromEntries(builds);

  [dynamo, slack, clickhouse, wire, pager, s3, langfuse] = await Promise.all([
    startDynalite(),
    startSlackDouble(),
    startClickHouseServer(),
    startAwsWire(AWS_DOUBLES),
    startWebhookDouble(),
    startS3Wire({
      buckets: [EVENTS_BUCKET, OWN_BUCKET],
      credentials: LAMBDA_CREDENTIALS,
    }),
    startReplayServer(LANGFUSE_ADMIN_KEY),
  ]);
  for (const event of EVENT_OBJECTS) {
    await s3.server.putObject({
      bucket: EVENTS_BUCKET,
      key: event.key,
      body: JSON.stringify({ id: event.key }),
      lastModified: new Date(event.uploadedAt),
    });
  }
  await dynamo.createTable(TABLE, 'fileSystemId');
  slack.requireToken(BOT_TOKEN);
  // As infra/app.ts deploys it: the own bucket set in the configuration.
  config = withRecoveryBucket(
    parseConfig({
      region: 'us-east-1',
      // The test's clickhouse-server listens on loopback, plain http.
      allowInsecureClickhouseHttp: true,
      fileSystems: [
        {
          fileSystemId: FS_ID,
          name: 'langfuse-clickhouse',
          policy: 'approve',
          remediationAllowed: true,
          clickhouseUrl: clickhouse.httpUrl,
          clickhouseUser: clickhouse.user,
          insightsLogGroups: [LOG_GROUP],
          recovery: {
            eventsBucket: EVENTS_BUCKET,
            langfuseUrl: langfuse.baseUrl,
            policy: 'approve',
          },
        },
      ],
      approvers: [APPROVER],
      slackApiUrl: slack.url,
    }),
    OWN_BUCKET,
  );
}, 180_000);

afterAll(async () => {
  await Promise.all([
    dynamo?.close(),
    slack?.close(),
    clickhouse?.stop(),
    wire?.close(),
    pager?.close(),
    s3?.close(),
    langfuse?.close(),
  ]);
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('every function as deployed', () => {
  // The state as the ASL builds it, step by step.
  let afterOpen: ReturnType<typeof afterOpenSchema.parse>;
  let afterDiagnose: ReturnType<typeof afterDiagnoseSchema.parse>;
  let afterNotify: ReturnType<typeof afterNotifySchema.parse>;

  it('normalizes an alarm event (normalize)', async () => {
    const trigger = triggerSchema.parse(await invoke('normalize', ALARM));

    expect(trigger).toMatchObject({
      kind: 'alarm',
      fileSystemId: FS_ID,
      state: 'ALARM',
      alarmName: ALARM.detail.alarmName,
      triggeredAt: ALARM_AT.toISOString(),
    });
    afterOpen = { trigger } as typeof afterOpen;
  });

  it('opens the incident in DynamoDB (open-incident)', async () => {
    // Parameters: {trigger, executionName: $$.Execution.Name}
    const incident = incidentSchema.parse(
      await invoke('open-incident', {
        trigger: afterOpen.trigger,
        executionName: 'exec-deploy-1',
      }),
    );

    expect(incident).toMatchObject({ fileSystemId: FS_ID, next: 'diagnose' });
    afterOpen = afterOpenSchema.parse({ ...afterOpen, incident });
  });

  const gathered: unknown[] = [];

  it('collects EFS evidence over the wire (collect-efs)', async () => {
    const branch = gatherBranchSchema.parse(
      await invoke('collect-efs', afterOpen),
    );

    expect(branch).toMatchObject({ source: 'efs', available: true });
    expect(wire.calls.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['DescribeFileSystems', 'GetMetricData']),
    );
    gathered.push(branch);
  });

  it('collects Langfuse signals from CloudWatch (collect-langfuse)', async () => {
    const branch = gatherBranchSchema.parse(
      await invoke('collect-langfuse', afterOpen),
    );

    expect(branch).toMatchObject({
      source: 'langfuse',
      available: true,
      droppedRecordsCount: { source: 'logs-insights', bytesScanned: 9_876_543 },
    });
    const counted = (
      branch as { droppedRecordsCount: { series: { values: number[] } } }
    ).droppedRecordsCount.series.values.reduce((a, b) => a + b, 0);
    expect(counted).toBe(1437);
    gathered.push(branch);
  });

  it("reads ClickHouse with the file system's linked credentials (collect-clickhouse)", async () => {
    const branch = gatherBranchSchema.parse(
      await invoke('collect-clickhouse', afterOpen),
    );

    expect(branch).toMatchObject({ source: 'clickhouse', available: true });
    gathered.push(branch);
  });

  it('diagnoses the gathered evidence (diagnose)', async () => {
    const state = afterGatherSchema.parse({ ...afterOpen, gathered });

    const result = diagnoseOutputSchema.parse(await invoke('diagnose', state));

    expect(result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(result.decision.next).toBe('request-approval');
    afterDiagnose = afterDiagnoseSchema.parse({ ...state, result });
  });

  it('posts the finding to Slack, its charts in the thread (notify)', async () => {
    const widgetsBefore = wire.calls.length;
    const { notification, posted } = await notify('finding', afterDiagnose);

    expect(notification.delivered).toBe(true);
    expect(notification.chartError).toBeUndefined();
    expect(posted.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(posted[0]?.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    // One GetMetricWidgetImage per chart, each a MetricWidget JSON string.
    const widgets = wire.calls
      .slice(widgetsBefore)
      .filter((c) => c.operation === 'GetMetricWidgetImage');
    expect(widgets).toHaveLength(3);
    for (const call of widgets) {
      expect(JSON.parse(String(call.body.MetricWidget))).toMatchObject({
        view: 'timeSeries',
        annotations: { vertical: [[{ label: 'incident window' }, {}]] },
      });
    }
    expect(slack.sharedFiles.map((f) => f.threadTs)).toEqual([
      notification.threadTs,
      notification.threadTs,
      notification.threadTs,
    ]);
    for (const file of slack.sharedFiles) {
      expect(file.bytes.equals(CHART_PNG)).toBe(true);
    }
    afterNotify = afterNotifySchema.parse({ ...afterDiagnose, notification });
  });

  let approveValue = '';

  it('posts the approval card and keeps the task token (request-approval)', async () => {
    const before = slack.calls.length;

    // Payload: {taskToken: $$.Task.Token, state: $}
    await invoke('request-approval', {
      taskToken: TASK_TOKEN,
      state: afterNotify,
    });

    const card = slack.calls
      .slice(before)
      .find((c) => c.method === 'chat.postMessage');
    const elements = (
      (card?.body.blocks ?? []) as {
        elements?: { action_id?: string; value?: string }[];
      }[]
    ).flatMap((b) => b.elements ?? []);
    approveValue = elements.find((e) => e.action_id === 'approve')?.value ?? '';
    expect(approveValue).not.toBe('');
  });

  it('reminds the approvers in the thread and pages over the wire (notify escalation)', async () => {
    // The first round ran out: its Catch put States.Timeout in the state.
    const state = {
      ...afterNotify,
      approvalTimeout: { Error: 'States.Timeout', Cause: '' },
    };

    const before = slack.calls.length;
    const round = approvalRoundSchema.parse(
      await invoke('notify', { kind: 'escalation', state }),
    );
    const posted = slack.calls.slice(before);

    expect(round).toMatchObject({
      delivered: true,
      round: 2,
      next: 'wait',
      paged: true,
    });
    expect(pager.posts).toHaveLength(1);
    expect(pager.posts[0]?.body).toMatchObject({
      source: 'burstguard',
      fileSystemId: FS_ID,
      incidentId: afterNotify.incident.incidentId,
      round: 2,
    });
    const reminder = posted.find((c) => c.method === 'chat.postMessage');
    expect(reminder?.body.thread_ts).toBe(afterNotify.notification.threadTs);
    expect(String(reminder?.body.text)).toContain(`<@${APPROVER}>`);
    // chat.update names the root by channel id and ts (docs.slack.dev,
    // chat.update: `channel` and `ts` required).
    const edit = posted.find((c) => c.method === 'chat.update');
    expect(edit?.body).toMatchObject({
      channel: afterNotify.notification.channel,
      ts: afterNotify.notification.threadTs,
    });
  });

  it('answers a signed Approve click with SendTaskSuccess (slack-interactions)', async () => {
    const body = new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: APPROVER },
        container: { message_ts: '1700000000.000002', channel_id: 'C00000001' },
        message: { ts: '1700000000.000002', blocks: [] },
        // On the Slack double, whose origin the deployed config allows
        // (the configured slackApiUrl's) beside https://hooks.slack.com.
        response_url: slack.responseUrl('deploy'),
        actions: [
          {
            type: 'button',
            action_id: 'approve',
            block_id: 'burstguard-approval',
            value: approveValue,
          },
        ],
      }),
    }).toString();
    // Slack's request signing: v0=HMAC-SHA256(secret, "v0:ts:body")
    // (Slack API docs, "Verifying requests from Slack").
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET)
      .update(`v0:${timestamp}:${body}`)
      .digest('hex')}`;
    // A function URL event (Lambda developer guide, "Invoking Lambda
    // function URLs": payload format 2.0), body base64 as Lambda sends
    // form posts.
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/',
      rawQueryString: '',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
      },
      requestContext: {
        accountId: 'anonymous',
        apiId: 'deploytest',
        domainName: 'deploytest.lambda-url.us-east-1.on.aws',
        domainPrefix: 'deploytest',
        http: {
          method: 'POST',
          path: '/',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.7',
          userAgent: 'Slackbot 1.0 (+https://api.slack.com/robots)',
        },
        requestId: 'deploy-test-request',
        routeKey: '$default',
        stage: '$default',
        time: '23/Nov/2026:03:14:00 +0000',
        timeEpoch: Number(timestamp) * 1000,
      },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    };

    const response = (await invoke('slack-interactions', event)) as {
      statusCode: number;
    };

    expect(response.statusCode).toBe(200);
    const answered = wire.calls.filter(
      (c) => c.operation === 'SendTaskSuccess',
    );
    expect(answered).toHaveLength(1);
    expect(answered[0]?.body.taskToken).toBe(TASK_TOKEN);
    expect(JSON.parse(String(answered[0]?.body.output))).toMatchObject({
      approved: true,
      by: APPROVER,
    });
    // The clicker is told, ephemerally (Slack shows no body of a
    // block_actions answer).
    expect(slack.responses.map((r) => r.body)).toEqual([
      {
        response_type: 'ephemeral',
        text: `You approved switching ${FS_ID} to Elastic throughput; the workflow goes on.`,
        replace_original: false,
      },
    ]);
  });

  let afterRemediate: ReturnType<typeof afterRemediateSchema.parse>;

  it('switches the file system to Elastic over the wire (remediate)', async () => {
    const state = {
      ...afterNotify,
      approval: { approved: true, by: APPROVER },
    };

    const remediation = remediationSchema.parse(
      await invoke('remediate', state),
    );

    expect(remediation).toMatchObject({
      action: 'switch-to-elastic',
      status: 'applied',
    });
    const update = wire.calls.find((c) => c.operation === 'UpdateFileSystem');
    expect(update?.pathParams.FileSystemId).toBe(FS_ID);
    expect(update?.body.ThroughputMode).toBe('elastic');
    afterRemediate = afterRemediateSchema.parse({ ...state, remediation });
  });

  it('checks the change (verify)', async () => {
    const verification = verificationSchema.parse(
      await invoke('verify', afterRemediate),
    );

    expect(verification.throughputMode).toBe('elastic');
  });

  let okState: ReturnType<typeof afterOpenSchema.parse>;

  it('waits out an OK and re-reads the joined alarms (resolve-incident)', async () => {
    const ok = singleMetricAlarm({ state: 'OK' });
    const trigger = triggerSchema.parse(await invoke('normalize', ok));
    const waiting = incidentSchema.parse(
      await invoke('open-incident', {
        trigger,
        executionName: 'exec-deploy-2',
      }),
    );
    expect(waiting).toMatchObject({ next: 'quiet-check', quietSeconds: 900 });
    const before = wire.calls.length;

    const incident = incidentSchema.parse(
      await invoke('resolve-incident', { trigger, incident: waiting }),
    );

    expect(incident.next).toBe('resolved');
    const read = wire.calls
      .slice(before)
      .find((c) => c.operation === 'DescribeAlarms');
    expect(read?.body.AlarmNames).toEqual([ALARM.detail.alarmName]);
    okState = afterOpenSchema.parse({ trigger, incident });
  });

  it('says Resolved in the incident thread (notify)', async () => {
    const { notification, posted } = await notify('resolved', okState);

    expect(notification.delivered).toBe(true);
    // The message in the thread, then the root's status line edited.
    expect(posted.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'chat.update',
    ]);
    expect(posted[0]?.body.thread_ts).toBe(afterNotify.notification.threadTs);
    expect(posted[1]?.body.ts).toBe(afterNotify.notification.threadTs);
  });

  it('forecasts burst credits and checks open incidents on its schedule (preflight)', async () => {
    // An incident left open (its OK never came): opened by the same ALARM,
    // long past its quiet period, every alarm OK on the CloudWatch double.
    const trigger = triggerSchema.parse(await invoke('normalize', ALARM));
    const left = incidentSchema.parse(
      await invoke('open-incident', {
        trigger,
        executionName: 'exec-deploy-3',
      }),
    );
    expect(left.next).toBe('diagnose');
    // A Scheduled Event (EventBridge user guide, "Creating a rule that runs
    // on a schedule"), as the Cron's rule sends it.
    const event = {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [
        'arn:aws:events:us-east-1:123456789012:rule/burstguard-test-PreflightSchedule',
      ],
      detail: {},
    };

    const before = slack.calls.length;
    const wireBefore = wire.calls.length;

    const report = (await invoke('preflight', event)) as {
      results: { fileSystemId: string; warn: boolean; message: string }[];
      warned: boolean;
      incidents: { incidentId: string; outcome: string; posted: boolean }[];
    };

    // The simulated credits already sit at zero: read through the wire,
    // but nothing left to forecast, so no warning (the alarm has fired).
    expect(report.results).toMatchObject([
      {
        fileSystemId: FS_ID,
        warn: false,
        message: `${FS_ID}: burst credits 0 B, not falling`,
      },
    ]);
    expect(report.warned).toBe(false);
    // The open incident: its alarm re-read over the wire, resolved on
    // dynalite, Resolved posted (no forecast warning).
    expect(report.incidents).toMatchObject([
      { incidentId: left.incidentId, outcome: 'resolved', posted: true },
    ]);
    const read = wire.calls
      .slice(wireBefore)
      .find((c) => c.operation === 'DescribeAlarms');
    expect(read?.body.AlarmNames).toEqual([ALARM.detail.alarmName]);
    const posted = slack.calls.slice(before);
    expect(posted).toHaveLength(1);
    expect(String(posted[0]?.body.text)).toMatch(
      /^:large_green_circle: Resolved:/,
    );
  });

  it('posts the weekly advice with a chart per file system, and starts a queued Apply (advisor)', async () => {
    const before = slack.calls.length;
    const wireBefore = wire.calls.length;

    // SST Cron passes its `event` as the function's event.
    const digest = (await invoke('advisor', { kind: 'digest' })) as {
      kind: string;
      results: { fileSystemId: string; outcome: string }[];
      posted: boolean;
      prices: string;
      priceNote?: string;
    };

    expect(digest.kind).toBe('digest');
    expect(digest.results).toMatchObject([
      { fileSystemId: FS_ID, outcome: 'advised' },
    ]);
    expect(digest.posted).toBe(true);
    // No Price List client in the bundle's reach here: the built-in table,
    // and the report says so.
    expect(digest.prices).toBe('built-in');
    expect(digest.priceNote).toMatch(/built-in table of \d{4}-\d\d-\d\d/);
    const calls = wire.calls.slice(wireBefore).map((c) => c.operation);
    expect(calls).toEqual(
      expect.arrayContaining([
        'DescribeFileSystems',
        'GetMetricData',
        'GetMetricWidgetImage',
      ]),
    );
    const posted = slack.calls.slice(before);
    expect(posted.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(String(posted[0]?.body.text)).toMatch(
      /^:bar_chart: Weekly EFS throughput advice/,
    );

    // An approver's Apply, queued as the Slack endpoint queues it.
    const store = createDynamoAdvisorStore({
      client: dynamo.documentClient,
      tableName: TABLE,
    });
    await store.requestApply({
      fileSystemId: FS_ID,
      mode: 'elastic',
      by: APPROVER,
      at: new Date().toISOString(),
    });
    const sfnBefore = wire.calls.length;
    const applied = (await invoke('advisor', { kind: 'apply-queued' })) as {
      kind: string;
      applies: { fileSystemId: string; outcome: string }[];
    };
    expect(applied).toMatchObject({
      kind: 'apply-queued',
      applies: [{ fileSystemId: FS_ID, outcome: 'started' }],
    });
    const start = wire.calls
      .slice(sfnBefore)
      .find((c) => c.operation === 'StartExecution');
    expect(start?.body.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(String(start?.body.input))).toMatchObject({
      fileSystemId: FS_ID,
      advice: { mode: 'elastic', requestedBy: APPROVER },
    });
    expect(await store.pendingApply(FS_ID)).toBeUndefined();
  });

  // The recovery state machine (workflows/recovery.ts), step by step.
  // The execution input (RecoveryInput), which the state keeps at `$`.
  let recoveryInput: Record<string, unknown>;
  let plan: RecoveryPlan;
  let before: unknown;

  it('plans the recovery over the events bucket and posts its progress message (plan-recovery)', async () => {
    const s3Before = s3.calls.length;
    const slackBefore = slack.calls.length;
    const thread = {
      channel: afterNotify.notification.channel,
      ts: afterNotify.notification.threadTs,
    };

    recoveryInput = {
      fileSystemId: FS_ID,
      window: RECOVERY_WINDOW,
      incidentId: afterNotify.incident.incidentId,
      thread,
      droppedRecords: 1437,
    };

    // Parameters: {input: $, executionId: $$.Execution.Id}
    plan = recoveryPlanSchema.parse(
      await invoke('plan-recovery', {
        input: recoveryInput,
        executionId: RECOVERY_EXECUTION,
      }),
    );

    // One otel prefix per hour of the window, one per project for the
    // standard keys.
    expect(plan).toMatchObject({
      status: 'ready',
      runId: RECOVERY_EXECUTION,
      bucket: EVENTS_BUCKET,
      eventsPrefix: '',
      policy: 'approve',
      dryRun: false,
      prefixes: [
        { prefix: 'otel/p1/2026/11/23/03/', kind: 'otel' },
        { prefix: 'p1/', kind: 'standard' },
      ],
      cursor: { index: 0, count: 2 },
      thread,
    });
    // ListObjectsV2 with Delimiter `/`, path style on the loopback
    // endpoint: GET /{bucket}?list-type=2 (Amazon S3 API reference,
    // ListObjectsV2, "Request Syntax").
    const listed = s3.calls.slice(s3Before);
    expect(
      listed.map((c) => ({
        method: c.method,
        path: c.path,
        listType: c.query.get('list-type'),
        delimiter: c.query.get('delimiter'),
        prefix: c.query.get('prefix'),
      })),
      // Both listings are sent at once: in either order.
    ).toEqual(
      expect.arrayContaining([
        {
          method: 'GET',
          path: `/${EVENTS_BUCKET}/`,
          listType: '2',
          delimiter: '/',
          prefix: '',
        },
        {
          method: 'GET',
          path: `/${EVENTS_BUCKET}/`,
          listType: '2',
          delimiter: '/',
          prefix: 'otel/',
        },
      ]),
    );
    expect(listed).toHaveLength(2);
    for (const call of listed) {
      expect(String(call.headers.authorization)).toContain(
        `Credential=${LAMBDA_CREDENTIALS.accessKeyId}/`,
      );
    }
    // The one progress message, in the incident's thread.
    const posted = slack.calls.slice(slackBefore);
    expect(posted.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(posted[0]?.body).toMatchObject({
      channel: thread.channel,
      thread_ts: thread.ts,
    });
    expect(plan.progress?.ts).toEqual(expect.any(String));
    // Kept on dynalite, in the run's item, for the later edits.
    const item = await dynamo.documentClient.send(
      new GetCommand({
        TableName: TABLE,
        Key: { fileSystemId: recoveryItemKey(RECOVERY_EXECUTION) },
      }),
    );
    expect(item.Item).toMatchObject({
      progressChannel: plan.progress?.channel,
      progressTs: plan.progress?.ts,
      progressFileSystemId: FS_ID,
      progressFrom: RECOVERY_WINDOW.from,
      progressTo: RECOVERY_WINDOW.to,
    });
  });

  it('answers the count of records with one line when ClickHouse cannot run it (collect-clickhouse count-records)', async () => {
    // Parameters: {kind: 'count-records', fileSystemId, window} from the
    // plan. Debian's clickhouse-server 18.16 knows neither query
    // parameters nor DateTime64: the count is an answer, not a failure.
    before = await invoke('collect-clickhouse', {
      kind: 'count-records',
      fileSystemId: plan.fileSystemId,
      window: plan.window,
    });

    // 18.16 refuses the query's parameters as settings it does not know.
    expect(before).toEqual({
      error:
        'records not counted: ClickHouse error 115: Unknown setting param_from',
    });
    expect((before as { error: string }).error).not.toMatch(/\n/);
  });

  /**
   * One pass of the prefix loop: per prefix, the items the Distributed
   * Map's ItemReader lists (s3:listObjectsV2; each item's LastModified in
   * epoch seconds: Step Functions developer guide, "ItemReader (Map)")
   * as its ItemSelector keeps them, in one batch with the ItemBatcher's
   * BatchInput, through ReplayBatch then RecordProgress.
   */
  async function replayPass(phase: 'count' | 'replay') {
    const passes = [];
    for (const { prefix, kind } of plan.prefixes) {
      const listing = await s3.server.client.send(
        new ListObjectsV2Command({ Bucket: plan.bucket, Prefix: prefix }),
      );
      const Items = (listing.Contents ?? []).map((o) => ({
        Key: o.Key ?? '',
        LastModified: Math.floor((o.LastModified?.getTime() ?? 0) / 1000),
      }));
      const BatchInput = {
        runId: plan.runId,
        fileSystemId: plan.fileSystemId,
        window: plan.window,
        dryRun: phase === 'count',
        eventsPrefix: plan.eventsPrefix,
        kind,
        prefix,
        phase,
      };
      const result = batchResultSchema.parse(
        await invoke('replay-batch', { Items, BatchInput }),
      );
      passes.push({ prefix, result, batch: BatchInput });
    }
    return passes;
  }

  /** RecordProgress's Parameters: {result, batch: {runId, fileSystemId, phase, prefix}}. */
  function recordProgress(
    result: BatchResult,
    batch: {
      runId: string;
      fileSystemId: string;
      phase: string;
      prefix: string;
    },
  ) {
    return invoke('record-recovery-progress', {
      result,
      batch: {
        runId: batch.runId,
        fileSystemId: batch.fileSystemId,
        phase: batch.phase,
        prefix: batch.prefix,
      },
    }) as Promise<{
      counters: Record<string, number>;
      edited: boolean;
      failedKeysAt?: string;
      reasonsAt?: string;
    }>;
  }

  let eventsHeld: Record<string, string>;

  it('counts the window in a dry run, keeps the skip reasons in its own bucket, edits the progress (replay-batch, record-recovery-progress)', async () => {
    eventsHeld = await s3.objects(EVENTS_BUCKET);
    const s3Before = s3.calls.length;
    const slackBefore = slack.calls.length;

    const passes = await replayPass('count');
    const recorded = [];
    for (const { result, batch } of passes) {
      recorded.push(await recordProgress(result, batch));
    }

    // A dry run only counts: nothing reached Langfuse.
    expect(langfuse.requests).toEqual([]);
    expect(passes.map((p) => p.result)).toEqual([
      {
        listed: 2,
        inWindow: 1,
        queued: 0,
        skipped: 1,
        failed: 0,
        failedKeys: [],
        errors: [],
        unsupported: 0,
      },
      {
        listed: 4,
        inWindow: 2,
        queued: 0,
        skipped: 2,
        failed: 0,
        failedKeys: [],
        errors: ['Unsupported replay type: dataset (p1/dataset/d-1/e-3.json)'],
        unsupported: 1,
      },
    ]);
    // Counted atomically on dynalite, batch after batch.
    expect(recorded.map((r) => r.counters)).toEqual([
      {
        listed: 2,
        inWindow: 1,
        queued: 0,
        skipped: 1,
        failed: 0,
        unsupported: 0,
        batches: 1,
      },
      {
        listed: 6,
        inWindow: 3,
        queued: 0,
        skipped: 3,
        failed: 0,
        unsupported: 1,
        batches: 2,
      },
    ]);
    // The first batch claims the first edit of the progress message.
    expect(recorded[0]?.edited).toBe(true);
    const edits = slack.calls
      .slice(slackBefore)
      .filter((c) => c.method === 'chat.update');
    expect(edits.length).toBeGreaterThanOrEqual(1);
    for (const edit of edits) {
      expect(edit.body).toMatchObject({
        channel: plan.progress?.channel,
        ts: plan.progress?.ts,
      });
    }
    // The skip reason, PUT to the own bucket under recoveries/.
    const puts = s3.calls.slice(s3Before);
    expect(puts.map((c) => [c.method, c.body])).toEqual([
      ['PUT', 'Unsupported replay type: dataset (p1/dataset/d-1/e-3.json)\n'],
    ]);
    expect(puts[0]?.path).toMatch(new RegExp(`^/${OWN_BUCKET}/recoveries/`));
    expect(recorded[1]?.reasonsAt).toBe(`s3:/${puts[0]?.path}`);
    expect(await s3.objects(OWN_BUCKET)).toEqual({
      [String(puts[0]?.path.slice(OWN_BUCKET.length + 2))]:
        'Unsupported replay type: dataset (p1/dataset/d-1/e-3.json)\n',
    });
  });

  it('offers the replay and keeps the task token under approve (offer-recovery)', async () => {
    const slackBefore = slack.calls.length;
    const wireBefore = wire.calls.length;

    // Payload: {taskToken: $$.Task.Token, plan, before, phase}
    const answer = await invoke('offer-recovery', {
      taskToken: RECOVERY_TOKEN,
      plan,
      before,
      phase: 'count',
    });

    expect(answer).toEqual({ approved: false, asked: true });
    // The token where the Slack endpoint claims it: the run's item.
    const item = await dynamo.documentClient.send(
      new GetCommand({
        TableName: TABLE,
        Key: { fileSystemId: recoveryItemKey(plan.runId) },
      }),
    );
    expect(item.Item).toMatchObject({
      approvalIncidentId: plan.runId,
      approvalTaskToken: RECOVERY_TOKEN,
    });
    // The count's totals on the progress message, then the offer in the
    // thread with its own buttons; nobody answered the task yet.
    const posted = slack.calls.slice(slackBefore);
    expect(posted.map((c) => c.method)).toEqual([
      'chat.update',
      'chat.postMessage',
    ]);
    expect(posted[0]?.body.ts).toBe(plan.progress?.ts);
    expect(posted[1]?.body.thread_ts).toBe(plan.thread?.ts);
    expect(String(posted[1]?.body.text)).toContain(
      'Recover 1,437 dropped records: replay 3 events uploaded between',
    );
    const actions = (
      (posted[1]?.body.blocks ?? []) as {
        elements?: { action_id?: string }[];
      }[]
    )
      .flatMap((b) => b.elements ?? [])
      .flatMap((e) => (e.action_id ? [e.action_id] : []));
    expect(actions).toEqual(['recovery-approve', 'recovery-decline']);
    expect(
      wire.calls
        .slice(wireBefore)
        .filter((c) => c.operation === 'SendTaskSuccess'),
    ).toEqual([]);
  });

  it('answers its own task under auto with SendTaskSuccess (offer-recovery)', async () => {
    const slackBefore = slack.calls.length;
    const wireBefore = wire.calls.length;
    const token = `${RECOVERY_TOKEN}-auto`;

    // OfferByPolicy hands the whole state on; the deployed ASL sends no
    // token there, but the function answers one it is given.
    const answer = await invoke('offer-recovery', {
      ...recoveryInput,
      plan: { ...plan, policy: 'auto' },
      before,
      phase: 'count',
      taskToken: token,
    });

    expect(answer).toEqual({
      approved: true,
      by: 'policy auto',
      reason: 'auto',
    });
    // SendTaskSuccess (SFN API reference: taskToken, output a JSON string).
    const sent = wire.calls
      .slice(wireBefore)
      .filter((c) => c.operation === 'SendTaskSuccess');
    expect(sent.map((c) => c.body)).toEqual([
      { taskToken: token, output: JSON.stringify(answer) },
    ]);
    const posted = slack.calls.slice(slackBefore);
    expect(posted.map((c) => c.method)).toEqual([
      'chat.update',
      'chat.postMessage',
    ]);
    expect(String(posted[1]?.body.text)).toContain('replay 3 events');
  });

  let replayed: Awaited<ReturnType<typeof replayPass>>;

  it("replays the window's keys with the linked admin key, keeps a failed key in its own bucket (replay-batch, record-recovery-progress)", async () => {
    const s3Before = s3.calls.length;

    replayed = await replayPass('replay');

    // POST /api/admin/ingestion-replay, Bearer the secret's
    // langfuseAdminKey, only the window's replayable keys.
    expect(
      langfuse.requests.map(({ method, path, authorization, body }) => ({
        method,
        path,
        authorization,
        body,
      })),
    ).toEqual([
      {
        method: 'POST',
        path: '/api/admin/ingestion-replay',
        authorization: `Bearer ${LANGFUSE_ADMIN_KEY}`,
        body: { keys: ['otel/p1/2026/11/23/03/14/o-1.json'] },
      },
      {
        method: 'POST',
        path: '/api/admin/ingestion-replay',
        authorization: `Bearer ${LANGFUSE_ADMIN_KEY}`,
        // As listed: in UTF-8 binary order (ListObjectsV2).
        body: { keys: ['p1/span/s-1/e-2.json', 'p1/trace/t-1/e-1.json'] },
      },
    ]);
    expect(replayed.map((p) => [p.result.queued, p.result.failed])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    // The second batch as ReplayBatch reports a key Langfuse skipped
    // (`failed`, `failedKeys`): RecordProgress writes it to the own bucket.
    const [otel, standard] = replayed;
    if (!otel || !standard) throw new Error('two batches expected');
    await recordProgress(otel.result, otel.batch);
    const last = await recordProgress(
      {
        ...standard.result,
        queued: 1,
        failed: 1,
        failedKeys: ['p1/span/s-1/e-2.json'],
      },
      standard.batch,
    );

    expect(last.counters).toMatchObject({
      listed: 6,
      inWindow: 3,
      queued: 2,
      failed: 1,
      batches: 2,
    });
    const puts = s3.calls.slice(s3Before).filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path.split('/')[1])).toEqual([
      OWN_BUCKET,
      OWN_BUCKET,
    ]);
    const failedAt = last.failedKeysAt ?? '';
    expect(failedAt).toMatch(
      new RegExp(`^s3://${OWN_BUCKET}/recoveries/.*failed-keys`),
    );
    const own = await s3.objects(OWN_BUCKET);
    expect(own[failedAt.slice(`s3://${OWN_BUCKET}/`.length)]).toBe(
      'p1/span/s-1/e-2.json\n',
    );
    // The events bucket is only ever listed.
    expect(await s3.objects(EVENTS_BUCKET)).toEqual(eventsHeld);
    expect(
      s3.calls.filter(
        (c) => c.path.startsWith(`/${EVENTS_BUCKET}`) && c.method !== 'GET',
      ),
    ).toEqual([]);
  });

  it('tells the thread a recovery execution failed at its Map Run, from the status-change event (finish-recovery)', async () => {
    const slackBefore = slack.calls.length;
    // The execution-status rule's event (Step Functions developer guide,
    // "Automating Step Functions event delivery with EventBridge").
    const event = {
      version: '0',
      id: '315c1398-40ff-a850-213b-158f73e60175',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [RECOVERY_EXECUTION],
      detail: {
        executionArn: RECOVERY_EXECUTION,
        stateMachineArn:
          'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-test-recovery',
        name: 'deploy-recovery-1',
        status: 'FAILED',
        startDate: Date.now() - 60_000,
        stopDate: Date.now(),
        input: '{}',
        output: null,
        error: 'States.ExceedToleratedFailureThreshold',
        cause: 'The Map Run failed',
      },
    };

    const report = (await invoke('finish-recovery', event)) as Record<
      string,
      unknown
    >;

    // The Map Run gave up before FinishRecovery ran: the rule tells the
    // thread, and how to resume (a redrive, which ends with the test
    // below's FinishRecovery).
    expect(report).toMatchObject({
      status: 'failed',
      window: RECOVERY_WINDOW,
      keysFailed: 1,
    });
    const posted = slack.calls.slice(slackBefore);
    expect(posted.map((c) => c.method)).toEqual(['chat.update']);
    expect(posted[0]?.body.ts).toBe(plan.progress?.ts);
    expect(textFields(posted[0]?.body).join('\n')).toContain(
      'States.ExceedToleratedFailureThreshold',
    );
    expect(textFields(posted[0]?.body).join('\n')).toContain(
      `burstguard recover --resume ${RECOVERY_EXECUTION}`,
    );
  });

  it('ends the progress message with the counts and where the failed keys are (finish-recovery)', async () => {
    const after = await invoke('collect-clickhouse', {
      kind: 'count-records',
      fileSystemId: plan.fileSystemId,
      window: plan.window,
    });
    const slackBefore = slack.calls.length;

    // The whole state.
    const report = (await invoke('finish-recovery', {
      ...recoveryInput,
      plan,
      before,
      offer: { approved: true, by: APPROVER },
      phase: 'replay',
      after,
    })) as Record<string, unknown>;

    expect(report).toMatchObject({
      status: 'partial',
      window: RECOVERY_WINDOW,
      keysListed: 6,
      keysQueued: 2,
      keysFailed: 1,
      recordsBefore: null,
      recordsAfter: null,
      failedKeysAt: expect.stringMatching(
        new RegExp(`^s3://${OWN_BUCKET}/recoveries/`),
      ),
    });
    const posted = slack.calls.slice(slackBefore);
    expect(posted.map((c) => c.method)).toEqual(['chat.update']);
    expect(posted[0]?.body).toMatchObject({
      channel: plan.progress?.channel,
      ts: plan.progress?.ts,
    });
    const shown = textFields(posted[0]?.body).join('\n');
    expect(shown).toContain('records not counted');
    expect(shown).toContain(`s3://${OWN_BUCKET}/recoveries/`);
  });

  it('leaves the local charting library out of every bundle', async () => {
    // On AWS the charts come from GetMetricWidgetImage; Chart.js, the Skia
    // canvas and the font are for demo and replay only.
    for (const name of FUNCTION_NAMES) {
      const text = await readFile(built[name]?.file ?? '', 'utf8');
      for (const marker of ['@napi-rs/canvas', 'dejavu-fonts-ttf', 'kurkle']) {
        expect(text.includes(marker), `${name}: ${marker}`).toBe(false);
      }
    }
  });

  it('ran every function once, with no call left unanswered', () => {
    expect([...invoked].sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(wire.unhandled).toEqual([]);
  });
});
