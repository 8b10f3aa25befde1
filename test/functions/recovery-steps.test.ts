/**
 * The recovery steps' cores with our own ports as fakes (the memory store,
 * a recording Slack port, a fake events listing); the Langfuse port is the
 * real adapter against the loopback server written from Langfuse's
 * endpoint (test/support/langfuse-replay-server.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countRecords } from '../../functions/collect-clickhouse/core.ts';
import { createCollectClickHouseHandler } from '../../functions/collect-clickhouse/lambda.ts';
import { finishRecovery } from '../../functions/finish-recovery/core.ts';
import { createFinishRecoveryHandler } from '../../functions/finish-recovery/lambda.ts';
import { offerRecovery } from '../../functions/offer-recovery/core.ts';
import { planRecovery } from '../../functions/plan-recovery/core.ts';
import { recordProgress } from '../../functions/record-recovery-progress/core.ts';
import {
  batchShareMs,
  replayBatch,
} from '../../functions/replay-batch/core.ts';
import { createReplayBatchHandler } from '../../functions/replay-batch/lambda.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { createLangfuseAdmin } from '../../shared/adapters/langfuse-admin.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import {
  LangfuseRateLimitedError,
  LangfuseRejectedError,
} from '../../shared/domain/errors.ts';
import type { ClickHousePort } from '../../shared/domain/ports.ts';
import type {
  BatchInput,
  BatchItem,
  RecoveryPlan,
} from '../../shared/domain/recovery/steps.ts';
import { zeroCounters } from '../../shared/domain/recovery/store.ts';
import { localContext } from '../../shared/runtime/step-handler.ts';
import {
  type ReplayServer,
  startReplayServer,
} from '../support/langfuse-replay-server.ts';
import { recordingSlack } from '../support/recording-slack.ts';

const FS = 'fs-0123456789abcdef0';
const RUN = 'arn:aws:states:us-east-1:123456789012:execution:recovery:r-1';
const WINDOW = {
  from: '2026-11-23T03:00:00.000Z',
  to: '2026-11-23T05:00:00.000Z',
};
const IN = '2026-11-23T04:00:00.000Z';
const OUT = '2026-11-23T06:00:00.000Z';
const ADMIN_KEY = 'lf-admin-key-recovery';

function config(recovery: Record<string, unknown> | null = {}) {
  return parseConfig({
    fileSystems: [
      {
        fileSystemId: FS,
        ...(recovery
          ? {
              recovery: {
                eventsBucket: 'langfuse-events',
                langfuseUrl: 'https://langfuse.example.com',
                ...recovery,
              },
            }
          : {}),
      },
    ],
    approvers: ['U01APPROVER'],
  });
}

const clock = (iso: string) => ({ now: () => new Date(iso) });

describe('planRecovery', () => {
  it('lists project prefixes and plans otel hours and standard projects', async () => {
    // Prepare
    const listed: string[] = [];
    const listing = {
      async listPrefixes({ prefix }: { bucket: string; prefix: string }) {
        listed.push(prefix);
        return prefix === 'lf/otel/'
          ? ['lf/otel/p1/']
          : ['lf/otel/', 'lf/p1/', 'lf/p2/'];
      },
    };
    const store = createMemoryIncidentStore();
    const { slack, posts } = recordingSlack();

    // Act
    const plan = await planRecovery(
      {
        input: {
          fileSystemId: FS,
          window: WINDOW,
          policy: 'auto',
          thread: { channel: 'C0INCIDENT', ts: '9.9' },
          droppedRecords: 40,
        },
        executionId: RUN,
      },
      {
        config: config({ eventsPrefix: 'lf/', policy: 'approve' }),
        listing,
        store,
        slack,
      },
    );

    // Assess
    expect(listed.sort()).toEqual(['lf/', 'lf/otel/']);
    expect(plan).toMatchObject({
      status: 'ready',
      runId: RUN,
      // The input may only lower the configured policy.
      policy: 'approve',
      bucket: 'langfuse-events',
      eventsPrefix: 'lf/',
      batchSize: 500,
      maxConcurrency: 4,
      cursor: { index: 0, count: 5 },
      progress: { channel: 'C0INCIDENT', ts: '1.1' },
      droppedRecords: 40,
    });
    expect(plan.prefixes.map((p) => p.prefix)).toEqual([
      'lf/otel/p1/2026/11/23/03/',
      'lf/otel/p1/2026/11/23/04/',
      'lf/otel/p1/2026/11/23/05/',
      'lf/p1/',
      'lf/p2/',
    ]);
    expect(posts[0]?.threadTs).toBe('9.9');
    expect(await store.recoveryMessage(RUN)).toMatchObject({
      channel: 'C0INCIDENT',
      ts: '1.1',
      window: WINDOW,
    });
  });

  it('says not-configured for a file system without recovery settings', async () => {
    // Act
    const plan = await planRecovery(
      { input: { fileSystemId: FS, window: WINDOW }, executionId: RUN },
      {
        config: config(null),
        listing: {
          listPrefixes: async () => {
            throw new Error('must not list');
          },
        },
        store: createMemoryIncidentStore(),
      },
    );

    // Assess
    expect(plan).toMatchObject({
      status: 'not-configured',
      prefixes: [],
      cursor: { index: 0, count: 0 },
    });
    expect(plan.reason).toContain('no recovery configuration');
  });

  it('plans even when Slack refuses the progress message', async () => {
    // Act
    const plan = await planRecovery(
      { input: { fileSystemId: FS, window: WINDOW }, executionId: RUN },
      {
        config: config(),
        listing: { listPrefixes: async () => [] },
        store: createMemoryIncidentStore(),
        slack: {
          postMessage: async () => {
            throw new Error('slack: not_in_channel');
          },
        },
      },
    );

    // Assess
    expect(plan.status).toBe('ready');
    expect(plan.progress).toBeUndefined();
    expect(plan.progressError).toBe('slack: not_in_channel');
  });
});

describe('replayBatch', () => {
  let server: ReplayServer;
  beforeEach(async () => {
    server = await startReplayServer(ADMIN_KEY);
  });
  afterEach(async () => {
    await server.close();
  });

  const langfuse = () =>
    createLangfuseAdmin({
      baseUrl: server.baseUrl,
      adminKey: ADMIN_KEY,
      timeoutMs: 2_000,
    });
  const slept: number[] = [];
  const ports = () => ({
    langfuseFor: (id: string) => (id === FS ? langfuse() : undefined),
    rate: { requestsPerSecond: 50, maxConcurrency: 4 },
    sleep: async (ms: number) => void slept.push(ms),
    nowMs: () => 0,
  });
  const batch = (over: Partial<BatchInput> = {}): BatchInput => ({
    runId: RUN,
    fileSystemId: FS,
    window: WINDOW,
    dryRun: false,
    eventsPrefix: '',
    kind: 'standard',
    ...over,
  });
  const items: BatchItem[] = [
    { Key: 'p1/trace/t1/e1.json', LastModified: IN },
    { Key: 'p1/observation/o1/e2.json', LastModified: IN },
    { Key: 'p1/trace/t2/e3.json', LastModified: OUT },
    { Key: 'p1/sdk_log/s1/e4.json', LastModified: IN },
    { Key: 'otel/p1/2026/11/23/04/10/u1.json', LastModified: IN },
    { Key: 'otel/p1/2026/11/23/06/10/u2.json', LastModified: IN },
  ];

  it('never replays events outside the window and reports unsupported types', async () => {
    // Act
    const result = await replayBatch(
      { Items: items, BatchInput: batch() },
      ports(),
    );

    // Assess: only the three in-window replayable keys reach Langfuse.
    expect(server.queued).toEqual([
      'p1/trace/t1/e1.json',
      'p1/observation/o1/e2.json',
      'otel/p1/2026/11/23/04/10/u1.json',
    ]);
    expect(result).toMatchObject({
      listed: 6,
      inWindow: 3,
      queued: 3,
      skipped: 3,
      failed: 0,
      unsupported: 1,
      failedKeys: [],
    });
    expect(result.errors).toEqual([
      'Unsupported replay type: sdk_log (p1/sdk_log/s1/e4.json)',
    ]);
  });

  it('takes the events prefix off standard keys before sending them', async () => {
    // Act
    await replayBatch(
      {
        Items: [{ Key: 'lf/p1/trace/t1/e1.json', LastModified: IN }],
        BatchInput: batch({ eventsPrefix: 'lf/' }),
      },
      ports(),
    );

    // Assess
    expect(server.requests[0]?.body).toEqual({ keys: ['p1/trace/t1/e1.json'] });
  });

  it('only counts in a dry run', async () => {
    // Act
    const result = await replayBatch(
      { Items: items, BatchInput: batch({ dryRun: true }) },
      ports(),
    );

    // Assess
    expect(server.requests).toEqual([]);
    expect(result).toMatchObject({ inWindow: 3, queued: 0, unsupported: 1 });
  });

  it('throws the named 429 error for the state machine to retry when Retry-After is long', async () => {
    // Prepare
    server.queue({ status: 429, retryAfter: '60' });

    // Act
    const error = await replayBatch(
      { Items: items, BatchInput: batch() },
      ports(),
    ).catch((e) => e);

    // Assess: one request; the ASL's Retry backs off from here.
    expect(error).toBeInstanceOf(LangfuseRateLimitedError);
    expect(error.name).toBe('LangfuseRateLimitedError');
    expect(server.requests).toHaveLength(1);
  });

  it('waits out a short Retry-After itself and asks once more', async () => {
    // Prepare
    slept.length = 0;
    server.queue({ status: 429, retryAfter: '3' });

    // Act
    const result = await replayBatch(
      { Items: items, BatchInput: batch() },
      ports(),
    );

    // Assess: 3 s as Langfuse asked, then the batch's pacing share.
    expect(server.requests).toHaveLength(2);
    expect(slept[0]).toBe(3_000);
    expect(result.queued).toBe(3);
  });

  it('throws after a second 429, even a short one', async () => {
    // Prepare
    server.queue({ status: 429, retryAfter: '1' });
    server.queue({ status: 429, retryAfter: '1' });

    // Act
    const error = await replayBatch(
      { Items: items, BatchInput: batch() },
      ports(),
    ).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseRateLimitedError);
    expect(server.requests).toHaveLength(2);
  });

  it('throws the rejection for a wrong admin key, not retried', async () => {
    // Act
    const error = await replayBatch(
      { Items: items, BatchInput: batch() },
      {
        ...ports(),
        langfuseFor: () =>
          createLangfuseAdmin({
            baseUrl: server.baseUrl,
            adminKey: 'wrong',
            timeoutMs: 2_000,
          }),
      },
    ).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseRejectedError);
  });

  it('reports the keys Langfuse skips as failed, by key', async () => {
    // Prepare: a Langfuse that skips what it calls an unsupported type.
    const skipping = {
      ingestionReplay: async (keys: readonly string[]) => ({
        queued: keys.length - 1,
        skipped: 1,
        errors: ['Unsupported replay type: observation'],
      }),
    };

    // Act
    const result = await replayBatch(
      { Items: items, BatchInput: batch() },
      { ...ports(), langfuseFor: () => skipping },
    );

    // Assess
    expect(result).toMatchObject({
      queued: 2,
      failed: 1,
      failedKeys: ['p1/observation/o1/e2.json'],
    });
  });

  it('waits out its share of the request rate', async () => {
    // Prepare
    slept.length = 0;

    // Act
    await replayBatch({ Items: items, BatchInput: batch() }, ports());

    // Assess: 4 in flight at 50 requests/s: 80 ms per request.
    expect(batchShareMs({ requestsPerSecond: 50, maxConcurrency: 4 })).toBe(80);
    expect(slept).toEqual([80]);
  });

  it('stops with one line when the file system has no Langfuse', async () => {
    // Act
    const error = await replayBatch(
      { Items: items, BatchInput: batch() },
      { ...ports(), langfuseFor: () => undefined },
    ).catch((e) => e);

    // Assess
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toContain('langfuseAdminKey');
  });
});

describe('recordProgress', () => {
  const result = {
    listed: 500,
    inWindow: 400,
    queued: 398,
    skipped: 100,
    failed: 2,
    failedKeys: ['p1/trace/a/1.json', 'p1/trace/b/2.json'],
    errors: ['Unsupported replay type: sdk_log (p1/sdk_log/s/1.json)'],
    unsupported: 1,
  };

  it('adds the batch, writes its failed keys to the own bucket and edits the message', async () => {
    // Prepare
    const store = createMemoryIncidentStore();
    await store.saveRecoveryMessage({
      runId: RUN,
      channel: 'C0INCIDENT',
      ts: '1.1',
      fileSystemId: FS,
      window: WINDOW,
    });
    const written: { bucket: string; key: string; lines: readonly string[] }[] =
      [];
    const { slack, edits, text } = recordingSlack();
    const ports = {
      store,
      artifacts: {
        writeLines: async (w: (typeof written)[number]) => {
          written.push(w);
          return `s3://${w.bucket}/${w.key}`;
        },
      },
      ownBucket: 'burstguard-own',
      slack,
      clock: clock('2026-11-23T05:10:00.000Z'),
    };

    // Act
    const first = await recordProgress(
      { result, batch: { runId: RUN, fileSystemId: FS, phase: 'replay' } },
      ports,
    );
    const second = await recordProgress(
      { result, batch: { runId: RUN, fileSystemId: FS, phase: 'replay' } },
      ports,
    );

    // Assess
    expect(second.counters).toMatchObject({
      listed: 1000,
      queued: 796,
      failed: 4,
      batches: 2,
    });
    const failedWrites = written.filter((w) => w.key.includes('/failed-keys/'));
    const reasonWrites = written.filter((w) => w.key.includes('/skipped/'));
    expect(failedWrites[0]).toMatchObject({
      bucket: 'burstguard-own',
      lines: result.failedKeys,
    });
    expect(failedWrites[0]?.key).toMatch(
      /^recoveries\/r-1\/failed-keys\/replay-/,
    );
    // The same keys go to the same object: a retry does not add another.
    expect(failedWrites[1]?.key).toBe(failedWrites[0]?.key);
    expect(first.failedKeysAt).toBe(
      `s3://burstguard-own/${failedWrites[0]?.key}`,
    );
    // Why keys were skipped is kept too, and the first reason as an example.
    expect(reasonWrites[0]?.lines).toEqual(result.errors);
    expect(first.reasonsAt).toContain(
      's3://burstguard-own/recoveries/r-1/skipped/',
    );
    expect(
      (await store.recoveryCounts({ runId: RUN, phase: 'replay' })).note,
    ).toBe(result.errors[0]);
    // One edit per interval: the second batch came in the same second.
    expect([first.edited, second.edited]).toEqual([true, false]);
    expect(edits).toHaveLength(1);
    expect(text(edits[0] ?? {})).toContain('queued 398');
  });

  it('keeps failed keys and reasons in its output when there is no own bucket', async () => {
    // Act
    const out = await recordProgress(
      { result, batch: { runId: RUN, fileSystemId: FS, phase: 'replay' } },
      {
        store: createMemoryIncidentStore(),
        artifacts: {
          writeLines: async () => {
            throw new Error('must not write');
          },
        },
        clock: clock('2026-11-23T05:10:00.000Z'),
      },
    );

    // Assess
    expect(out.failedKeys).toEqual(result.failedKeys);
    expect(out.errors).toEqual(result.errors);
    expect(out.edited).toBe(false);
  });
});

function plan(over: Partial<RecoveryPlan> = {}): RecoveryPlan {
  return {
    status: 'ready',
    runId: RUN,
    fileSystemId: FS,
    window: WINDOW,
    dryRun: false,
    policy: 'approve',
    bucket: 'langfuse-events',
    eventsPrefix: '',
    prefixes: [{ prefix: 'p1/', kind: 'standard' }],
    batchSize: 500,
    maxConcurrency: 4,
    cursor: { index: 1, count: 1 },
    thread: { channel: 'C0INCIDENT', ts: '9.9' },
    droppedRecords: 7,
    ...over,
  };
}

async function counted(inWindow: number) {
  const store = createMemoryIncidentStore();
  await store.addRecoveryCounts({
    runId: RUN,
    phase: 'count',
    add: { ...zeroCounters(), listed: inWindow + 5, inWindow, batches: 1 },
    at: '2026-11-23T05:05:00.000Z',
  });
  return store;
}

describe('offerRecovery', () => {
  const tasks = () => {
    const sent: { taskToken: string; output: string }[] = [];
    return {
      sent,
      sendTaskSuccess: async (t: (typeof sent)[number]) => void sent.push(t),
    };
  };

  it('posts the offer with buttons and keeps the token under approve', async () => {
    // Prepare
    const store = await counted(12);
    const { slack, posts, text } = recordingSlack();
    const t = tasks();

    // Act
    const out = await offerRecovery(
      { plan: plan(), taskToken: 'offer-token' },
      {
        store,
        slack,
        tasks: t,
        channel: '#x',
        clock: clock('2026-11-23T05:06:00.000Z'),
      },
    );

    // Assess
    expect(out).toEqual({ approved: false, asked: true });
    expect(t.sent).toEqual([]);
    expect(posts[0]?.threadTs).toBe('9.9');
    expect(text(posts[0] ?? {})).toContain('recovery-approve');
    expect(posts[0]?.text).toContain(
      'Recover 7 dropped records: replay 12 events',
    );
    const claim = await store.claimRecoveryToken({
      runId: RUN,
      claimId: 'c',
      at: '2026-11-23T05:07:00.000Z',
      leaseUntil: '2026-11-23T05:08:00.000Z',
    });
    expect(claim).toMatchObject({ kind: 'claimed', taskToken: 'offer-token' });
  });

  it.each([
    ['auto', false, { approved: true, by: 'policy auto', reason: 'auto' }],
    ['off', false, { approved: false, by: 'policy off', reason: 'policy-off' }],
    ['approve', true, { approved: false, by: 'burstguard', reason: 'dry-run' }],
  ] as const)(
    'answers by policy %s (dry run %s) and sends the answer to a waiting task',
    async (policy, dryRun, expected) => {
      // Prepare
      const store = await counted(12);
      const { slack, posts, text } = recordingSlack();
      const t = tasks();

      // Act
      const out = await offerRecovery(
        { plan: plan({ policy, dryRun }), taskToken: 'offer-token' },
        {
          store,
          slack,
          tasks: t,
          channel: '#x',
          clock: clock('2026-11-23T05:06:00.000Z'),
        },
      );

      // Assess
      expect(out).toEqual(expected);
      expect(t.sent.map((s) => JSON.parse(s.output))).toEqual([expected]);
      expect(posts).toHaveLength(1);
      expect(text(posts[0] ?? {})).not.toContain('recovery-approve');
    },
  );

  it('stops without an offer when nothing in the window can be replayed', async () => {
    // Prepare
    const store = await counted(0);
    const { slack, posts } = recordingSlack();

    // Act
    const out = await offerRecovery(
      { plan: plan() },
      {
        store,
        slack,
        tasks: tasks(),
        channel: '#x',
        clock: clock('2026-11-23T05:06:00.000Z'),
      },
    );

    // Assess
    expect(out).toMatchObject({ approved: false, reason: 'nothing-to-replay' });
    expect(posts).toEqual([]);
  });
});

describe('finishRecovery', () => {
  async function replayed(failed: number) {
    const store = await counted(900);
    await store.addRecoveryCounts({
      runId: RUN,
      phase: 'replay',
      add: {
        ...zeroCounters(),
        listed: 1000,
        inWindow: 900,
        queued: 900 - failed,
        skipped: 100,
        failed,
        batches: 2,
      },
      at: '2026-11-23T05:10:00.000Z',
    });
    await store.saveRecoveryMessage({
      runId: RUN,
      channel: 'C0INCIDENT',
      ts: '1.1',
      fileSystemId: FS,
      window: WINDOW,
    });
    return store;
  }

  it('reports recovered with records before -> after and edits the message', async () => {
    // Prepare
    const store = await replayed(0);
    const { slack, edits, text } = recordingSlack();

    // Act
    const report = await finishRecovery(
      {
        plan: plan(),
        before: { traces: 100, observations: 300 },
        after: { traces: 150, observations: 650 },
        offer: { approved: true, by: 'U01APPROVER' },
      },
      { store, slack, channel: '#x', clock: clock('2026-11-23T05:20:00.000Z') },
    );

    // Assess
    expect(report).toMatchObject({
      status: 'recovered',
      window: WINDOW,
      keysListed: 1000,
      keysQueued: 900,
      keysSkipped: 100,
      keysFailed: 0,
      recordsBefore: 400,
      recordsAfter: 800,
    });
    expect(text(edits[0] ?? {})).toContain('recovered');
    expect(text(edits[0] ?? {})).toContain('400 -&gt; 800');
  });

  it('reports partial with where the failed keys went', async () => {
    // Act
    const report = await finishRecovery(
      {
        plan: plan(),
        before: { traces: 1, observations: 1 },
        after: { error: 'ClickHouse unreachable' },
        offer: { approved: true, by: 'U01APPROVER' },
      },
      {
        store: await replayed(3),
        channel: '#x',
        clock: clock('2026-11-23T05:20:00.000Z'),
        ownBucket: 'burstguard-own',
      },
    );

    // Assess
    expect(report).toMatchObject({
      status: 'partial',
      keysFailed: 3,
      recordsAfter: null,
      failedKeysAt: 's3://burstguard-own/recoveries/r-1/failed-keys/',
    });
  });

  it.each([
    [{ Error: 'States.Timeout' }, undefined, 'expired'],
    [{ approved: false, by: 'U01APPROVER' }, undefined, 'declined'],
    [{ approved: false, reason: 'dry-run' }, undefined, 'counted'],
    [{ approved: true }, { Error: 'LangfuseUnavailableError' }, 'failed'],
  ] as const)(
    'reads the offer %j and error %j as %s',
    async (offer, error, status) => {
      // Act
      const report = await finishRecovery(
        { plan: plan(), offer, ...(error ? { error } : {}) },
        {
          store: await counted(5),
          channel: '#x',
          clock: clock('2026-11-23T05:20:00.000Z'),
        },
      );

      // Assess
      expect(report.status).toBe(status);
    },
  );

  it('reports the keys of an unsupported type as skipped, with an example and where the reasons are', async () => {
    // Prepare
    const store = await replayed(0);
    await store.addRecoveryCounts({
      runId: RUN,
      phase: 'replay',
      add: { ...zeroCounters(), skipped: 2, unsupported: 2, batches: 1 },
      at: '2026-11-23T05:11:00.000Z',
      note: 'Unsupported replay type: sdk_log (p1/sdk_log/s/1.json)',
    });
    const { slack, edits, text } = recordingSlack();

    // Act
    const report = await finishRecovery(
      {
        plan: plan(),
        before: { traces: 1, observations: 1 },
        after: { traces: 2, observations: 2 },
        offer: { approved: true, by: 'U01APPROVER' },
      },
      {
        store,
        slack,
        channel: '#x',
        clock: clock('2026-11-23T05:20:00.000Z'),
        ownBucket: 'burstguard-own',
      },
    );

    // Assess
    expect(report.status).toBe('recovered');
    expect(report.keysSkipped).toBe(102);
    expect(text(edits[0] ?? {})).toContain(
      'Skipped 2 keys Langfuse does not replay (e.g. Unsupported replay type: sdk_log (p1/sdk_log/s/1.json)); reasons in `s3://burstguard-own/recoveries/r-1/skipped/`',
    );
  });

  it('reports not-configured without counting', async () => {
    // Act
    const report = await finishRecovery(
      { plan: plan({ status: 'not-configured', prefixes: [] }) },
      {
        store: createMemoryIncidentStore(),
        channel: '#x',
        clock: clock('2026-11-23T05:20:00.000Z'),
      },
    );

    // Assess
    expect(report).toMatchObject({
      status: 'not-configured',
      keysListed: 0,
      recordsBefore: null,
    });
  });
});

describe('the finish-recovery handler, when the run stopped', () => {
  it('ends the progress message of an execution that failed, from the execution-status rule', async () => {
    // Prepare: what was counted and replayed before the Map Run gave up,
    // and the event EventBridge delivers (Step Functions developer guide,
    // "Automating Step Functions event delivery with EventBridge":
    // "Step Functions Execution Status Change", detail with executionArn,
    // stateMachineArn, name, status, startDate, stopDate, input, error,
    // cause).
    const store = await counted(900);
    await store.addRecoveryCounts({
      runId: RUN,
      phase: 'replay',
      add: {
        ...zeroCounters(),
        listed: 500,
        inWindow: 450,
        queued: 450,
        batches: 1,
      },
      at: '2026-11-23T05:10:00.000Z',
    });
    await store.saveRecoveryMessage({
      runId: RUN,
      channel: 'C0INCIDENT',
      ts: '1.1',
      fileSystemId: FS,
      window: WINDOW,
    });
    const { slack, edits, posts, text } = recordingSlack();
    const handler = createFinishRecoveryHandler({
      store,
      slack,
      channel: '#x',
      clock: clock('2026-11-23T05:20:00.000Z'),
    });
    const event = {
      version: '0',
      id: '315c1398-40ff-a850-213b-158f73e60175',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '123456789012',
      time: '2026-11-23T05:19:00Z',
      region: 'us-east-1',
      resources: [RUN],
      detail: {
        executionArn: RUN,
        stateMachineArn:
          'arn:aws:states:us-east-1:123456789012:stateMachine:recovery',
        name: 'r-1',
        status: 'FAILED',
        startDate: 1795410000000,
        stopDate: 1795410900000,
        input: '{}',
        inputDetails: { included: true },
        output: null,
        outputDetails: null,
        error: 'States.ExceedToleratedFailureThreshold',
        cause: 'The specified tolerated failure threshold was exceeded',
      },
    };

    // Act
    const report = await handler(event, localContext('finish-recovery'));

    // Assess: the one message says it stopped, why, and how to resume.
    expect(report).toMatchObject({
      status: 'failed',
      window: WINDOW,
      keysListed: 500,
      keysQueued: 450,
      keysFailed: 0,
    });
    expect(posts).toHaveLength(0);
    expect(edits).toHaveLength(1);
    expect(text(edits[0] ?? {})).toContain(
      'States.ExceedToleratedFailureThreshold',
    );
    expect(text(edits[0] ?? {})).toContain(
      `burstguard recover --resume ${RUN}`,
    );
  });

  it('posts in the thread when PlanRecovery failed before any message', async () => {
    // Prepare: PlanRecovery's Catch leaves its error at $.error beside the
    // execution input; there is no plan.
    const { slack, posts, text } = recordingSlack();
    const handler = createFinishRecoveryHandler({
      store: createMemoryIncidentStore(),
      slack,
      channel: '#x',
      clock: clock('2026-11-23T05:20:00.000Z'),
    });

    // Act
    const report = await handler(
      {
        fileSystemId: FS,
        window: WINDOW,
        thread: { channel: 'C0INCIDENT', ts: '9.9' },
        error: { Error: 'S3ServiceException', Cause: 'Access Denied' },
        // The Unplanned state's execution id.
        execution: { id: RUN },
      },
      localContext('finish-recovery'),
    );

    // Assess: a redrive would re-enter the Fail state, so the thread is
    // told to start a new recovery.
    expect(report).toMatchObject({ status: 'failed', window: WINDOW });
    expect(posts).toHaveLength(1);
    expect(posts[0]?.threadTs).toBe('9.9');
    expect(text(posts[0] ?? {})).toContain('Access Denied');
    expect(text(posts[0] ?? {})).toContain(
      `burstguard recover --file-system ${FS} --from ${WINDOW.from}`,
    );
    expect(text(posts[0] ?? {})).not.toContain('--resume');
  });

  it('leaves the thread alone when FinishRecovery already told it and the execution then failed', async () => {
    // Prepare: FinishRecovery ended the run (a caught failure), then the
    // execution failed in its Fail state and the rule fired.
    const store = createMemoryIncidentStore();
    await store.saveRecoveryMessage({
      runId: RUN,
      channel: 'C0INCIDENT',
      ts: '1.1',
      fileSystemId: FS,
      window: WINDOW,
    });
    const { slack, edits, posts } = recordingSlack();
    const ports = {
      store,
      slack,
      channel: '#x',
      clock: clock('2026-11-23T05:20:00.000Z'),
    };
    await finishRecovery(
      {
        plan: plan(),
        before: { traces: 1, observations: 1 },
        error: { Error: 'LangfuseRejectedError', Cause: 'HTTP 401' },
      },
      ports,
    );
    const told = edits.length;

    // Act
    await createFinishRecoveryHandler(ports)(
      {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: RUN,
          status: 'FAILED',
          error: 'LangfuseRejectedError',
          cause: 'HTTP 401',
        },
      },
      localContext('finish-recovery'),
    );

    // Assess
    expect(told).toBe(1);
    expect(edits).toHaveLength(told);
    expect(posts).toHaveLength(0);
  });
});

describe('countRecords', () => {
  const port = (counts: ClickHousePort['countRecords']): ClickHousePort => ({
    snapshot: async () => ({ elapsedMs: 0, results: {} }),
    ...(counts ? { countRecords: counts } : {}),
  });

  it('answers the distinct counts of the window', async () => {
    // Prepare
    const asked: unknown[] = [];

    // Act
    const out = await countRecords(
      { kind: 'count-records', fileSystemId: FS, window: WINDOW },
      {
        clickhouseFor: () =>
          port(async (w) => {
            asked.push(w);
            return { traces: 3, observations: 9 };
          }),
      },
    );

    // Assess
    expect(out).toEqual({ traces: 3, observations: 9 });
    expect(asked).toEqual([
      { start: new Date(WINDOW.from), end: new Date(WINDOW.to) },
    ]);
  });

  it.each<[string, () => ClickHousePort | undefined, string]>([
    ['no ClickHouse', () => undefined, 'no ClickHouse endpoint'],
    ['a port that cannot count', () => port(undefined), 'cannot count'],
    [
      'a failing count',
      () =>
        port(async () => {
          throw new Error('Timeout error.');
        }),
      'Timeout error.',
    ],
  ] as const)(
    'answers {error} for %s, never throwing',
    async (_, clickhouseFor, reason) => {
      // Act
      const out = await countRecords(
        { kind: 'count-records', fileSystemId: FS, window: WINDOW },
        { clickhouseFor },
      );

      // Assess
      expect('error' in out && out.error).toContain(reason);
    },
  );
});

describe('the collect-clickhouse handler', () => {
  it('answers a count-records input with the counts and any other with evidence', async () => {
    // Prepare
    const handler = createCollectClickHouseHandler({
      clickhouseFor: () => ({
        snapshot: async () => {
          throw new Error('unreachable after 5 s');
        },
        countRecords: async () => ({ traces: 2, observations: 5 }),
      }),
    });
    const context = localContext('collect-clickhouse');

    // Act
    const counts = await handler(
      { kind: 'count-records', fileSystemId: FS, window: WINDOW },
      context,
    );
    const refused = await handler(
      { kind: 'count-records', fileSystemId: FS, window: { from: 'x' } },
      context,
    ).catch((e: Error) => e.name);

    // Assess
    expect(counts).toEqual({ traces: 2, observations: 5 });
    expect(refused).toBe('StateInputError');
  });
});

describe('the replay-batch handler', () => {
  const DRY_BATCH: BatchInput = {
    runId: RUN,
    fileSystemId: FS,
    window: WINDOW,
    dryRun: true,
    eventsPrefix: '',
    kind: 'standard',
  };
  const handlerWithoutLangfuse = () =>
    createReplayBatchHandler({
      langfuseFor: () => undefined,
      rate: { requestsPerSecond: 50, maxConcurrency: 4 },
    });

  it('refuses a batch of more than 1,000 keys, the endpoint limit', async () => {
    // Prepare
    const handler = handlerWithoutLangfuse();
    const Items = Array.from({ length: 1001 }, (_, i) => ({
      Key: `p/trace/${i}/e.json`,
      LastModified: IN,
    }));

    // Act
    const error = await handler(
      {
        Items,
        BatchInput: DRY_BATCH,
      },
      localContext('replay-batch'),
    ).then(
      () => undefined,
      (e: Error) => e,
    );

    // Assess
    expect(error?.name).toBe('StateInputError');
    expect(error?.message).toContain('state Items');
  });

  it('reads LastModified as a Date, as a local engine may hand it', async () => {
    // Prepare
    const handler = handlerWithoutLangfuse();

    // Act
    const result = await handler(
      {
        Items: [{ Key: 'p/trace/t/e.json', LastModified: new Date(IN) }],
        BatchInput: DRY_BATCH,
      },
      localContext('replay-batch'),
    );

    // Assess
    expect(result).toMatchObject({ listed: 1, inWindow: 1, queued: 0 });
  });
});
