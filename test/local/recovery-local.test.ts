/**
 * The recovery end to end, locally: the deployed recovery definition with
 * its real steps (plan-recovery, collect-clickhouse's counts, offer-recovery,
 * replay-batch, record-recovery-progress, finish-recovery), the local
 * Distributed Map engine listing a loopback S3 server, the Langfuse admin
 * API double writing replayed events into chDB, and ClickHouse counting
 * distinct records before and after.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createFinishRecoveryHandler } from '../../functions/finish-recovery/lambda.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  type LocalRecoveryPorts,
  runLocalRecovery,
} from '../../local/recovery-local.ts';
import { redriveRecoveryLocal } from '../../local/recovery-runner.ts';
import {
  type RecoveryWorld,
  startRecoveryWorld,
} from '../../local/recovery-world.ts';
import { createLangfuseAdmin } from '../../shared/adapters/langfuse-admin.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import type { Policy, RecoveryInput } from '../../shared/domain/contracts.ts';
import { localContext } from '../../shared/runtime/step-handler.ts';
import { recordingSlack } from '../support/recording-slack.ts';

const FS = 'fs-0123456789abcdef0';
const END = new Date('2026-11-26T06:00:30.000Z');
/** Retries at once: the ASL's Retry still counts its attempts. */
const NO_WAIT = {
  ReplayBatch: 0,
  PlanRecovery: 0,
  RecordProgress: 0,
  CountBefore: 0,
  CountAfter: 0,
  OfferByPolicy: 0,
  OfferApproval: 0,
  FinishRecovery: 0,
};

let world: RecoveryWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function setUp(
  options: { policy?: Policy; batchSize?: number } = {},
): Promise<{
  w: RecoveryWorld;
  ports: LocalRecoveryPorts;
  input: RecoveryInput;
  slack: ReturnType<typeof recordingSlack>;
}> {
  const w = await startRecoveryWorld({
    scenario: 'credits-exhausted',
    end: END,
  });
  world = w;
  const config = parseConfig({
    slackChannel: '#langfuse-oncall',
    approvers: ['U01APPROVER'],
    fileSystems: [
      {
        fileSystemId: FS,
        recovery: {
          eventsBucket: w.eventsBucket,
          eventsPrefix: w.eventsPrefix,
          langfuseUrl: w.langfuse.url,
          policy: options.policy ?? 'auto',
        },
      },
    ],
    recovery: {
      ownBucket: w.ownBucket,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    },
  });
  const langfuse = createLangfuseAdmin({
    baseUrl: w.langfuse.url,
    adminKey: w.langfuse.adminKey,
    timeoutMs: 10_000,
  });
  const slack = recordingSlack();
  return {
    w,
    slack,
    ports: {
      config,
      clock: { now: () => new Date(END.getTime() + 10 * 60_000) },
      s3: w.s3.client,
      langfuseFor: (id) => (id === FS ? langfuse : undefined),
      clickhouseFor: () => w.clickhouse.port,
      slack: slack.slack,
      store: createMemoryIncidentStore(),
      sleep: async () => {},
    },
    input: {
      fileSystemId: FS,
      window: {
        from: w.window.start.toISOString(),
        to: w.window.end.toISOString(),
      },
      thread: { channel: 'C0INCIDENT', ts: '1700000000.000100' },
      droppedRecords: w.expected.dropped.records.traces,
    },
  };
}

/** Every key Langfuse's worker queued, with how often. */
function queuedKeys(w: RecoveryWorld): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of w.langfuse.jobs) {
    counts.set(job.key, (counts.get(job.key) ?? 0) + 1);
  }
  return counts;
}

describe('a local recovery with its real steps', () => {
  it('recovers the dropped records: records after > before, nothing failed, "recovered" in the thread', async () => {
    // Prepare
    const { w, ports, input, slack } = await setUp();

    // Act
    const { run, report } = await runLocalRecovery(input, ports, {
      retryIntervalOverrides: NO_WAIT,
    });

    // Assess: the distinct counts rose by exactly what was dropped.
    expect(run.status).toBe('SUCCEEDED');
    const before = w.expected.landed.records;
    const dropped = w.expected.dropped.records;
    expect(report).toMatchObject({
      status: 'recovered',
      keysFailed: 0,
      records: {
        before,
        after: {
          traces: before.traces + dropped.traces,
          observations: before.observations + dropped.observations,
        },
      },
    });
    expect(report?.recordsAfter).toBeGreaterThan(report?.recordsBefore ?? 0);
    // Standard keys are listed per project (filtered by LastModified),
    // otel keys per hour of the window: the otel upload from before the
    // window sits in an hour the plan does not list.
    const unlisted = w.objects.filter(
      (o) => o.kind === 'otel' && o.fate === 'outside',
    );
    expect(unlisted).toHaveLength(1);
    expect(report?.keysListed).toBe(w.objects.length - unlisted.length);
    expect(slack.thread()).toContain('recovered');
    // Every dropped key was queued once; no key from outside the window
    // was ever sent, nor the unsupported one.
    const queued = queuedKeys(w);
    for (const key of w.expected.dropped.keys) {
      expect(queued.get(key), key).toBe(1);
    }
    for (const key of [
      ...w.expected.outside.keys,
      ...w.expected.unsupported.keys,
    ]) {
      expect(queued.has(key), key).toBe(false);
    }
    expect(w.langfuse.requests.every((r) => r.authorized)).toBe(true);
  }, 120_000);

  it('reports the key of a type Langfuse does not replay, with why, in the thread and the own bucket', async () => {
    // Prepare
    const { w, ports, input, slack } = await setUp();

    // Act
    const { report } = await runLocalRecovery(input, ports, {
      retryIntervalOverrides: NO_WAIT,
    });

    // Assess
    expect(w.expected.unsupported.keys).toHaveLength(1);
    expect(report?.keysSkipped).toBeGreaterThanOrEqual(1);
    expect(slack.thread()).toMatch(/Skipped 1 keys Langfuse does not replay/);
    const written = await w.s3.client.send(
      new ListObjectsV2Command({ Bucket: w.ownBucket, Prefix: 'recoveries/' }),
    );
    const skipped = (written.Contents ?? []).filter((o) =>
      o.Key?.includes('/skipped/'),
    );
    expect(skipped.length).toBeGreaterThan(0);
    const body = await (
      await w.s3.client.send(
        new GetObjectCommand({ Bucket: w.ownBucket, Key: skipped[0]?.Key }),
      )
    ).Body?.transformToString();
    expect(body).toContain(w.expected.unsupported.keys[0]);
    // Nothing was written to the events bucket but what Langfuse uploaded.
    const events = await w.s3.client.send(
      new ListObjectsV2Command({ Bucket: w.eventsBucket }),
    );
    expect(events.KeyCount).toBe(w.objects.length);
  }, 120_000);

  it('backs off on 429 and still replays every batch once', async () => {
    // Prepare: Langfuse (or a proxy in front of it) rate-limits the first
    // two replay requests.
    const { w, ports, input } = await setUp();
    w.langfuse.faults.rateLimitNext(2, 1);

    // Act
    const { report } = await runLocalRecovery(input, ports, {
      retryIntervalOverrides: NO_WAIT,
    });

    // Assess
    const statuses = w.langfuse.requests.map((r) => r.status);
    expect(statuses.slice(0, 2)).toEqual([429, 429]);
    expect(statuses.slice(2).every((s) => s === 200)).toBe(true);
    expect(report).toMatchObject({ status: 'recovered', keysFailed: 0 });
    expect([...queuedKeys(w).values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('stops at a lasting 500, tells the thread, and a redrive finishes with only the failed batch sent again', async () => {
    // Prepare: small batches so the replay takes several requests; the
    // second answers 500 on every attempt (the ASL tries it 4 times).
    const { w, ports, input, slack } = await setUp({ batchSize: 5 });
    w.langfuse.faults.failRequests(2, 5);

    // Act: the run fails at the Map Run ...
    const first = await runLocalRecovery(input, ports, {
      retryIntervalOverrides: NO_WAIT,
    });
    // ... the execution-status rule hands FinishRecovery the event ...
    const finish = createFinishRecoveryHandler({
      store: ports.store,
      slack: ports.slack,
      channel: '#langfuse-oncall',
      clock: ports.clock,
    });
    await finish(
      {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: first.run.executionId,
          status: 'FAILED',
          error: 'States.ExceedToleratedFailureThreshold',
          cause: 'a batch failed',
        },
      },
      localContext('finish-recovery'),
    );
    const acceptedBefore = w.langfuse.requests.filter(
      (r) => r.status === 200,
    ).length;
    // ... and once Langfuse answers again, the run is redriven.
    w.langfuse.faults.clear();
    const redriven = await redriveRecoveryLocal(first.run);

    // Assess
    expect(first.run.status).toBe('FAILED');
    expect(slack.thread()).toContain(
      `burstguard recover --resume ${first.run.executionId}`,
    );
    expect(redriven.status).toBe('SUCCEEDED');
    const failed = w.langfuse.requests.filter((r) => r.status === 500);
    expect(failed).toHaveLength(4);
    // Every batch was accepted exactly once over both attempts: no key
    // queued twice, every dropped key queued.
    const queued = queuedKeys(w);
    expect([...queued.values()].every((n) => n === 1)).toBe(true);
    for (const key of w.expected.dropped.keys) {
      expect(queued.get(key), key).toBe(1);
    }
    // Of the batches sent after the redrive, only the one that failed had
    // been sent before.
    const acceptedAfter = w.langfuse.requests.filter(
      (r) => r.status === 200,
    ).length;
    expect(acceptedAfter).toBeGreaterThan(acceptedBefore);
    expect(slack.thread()).toContain('recovered');
  }, 180_000);

  it('waits for an approver under approve, and replays nothing when declined', async () => {
    // Prepare
    const { w, ports, input, slack } = await setUp({ policy: 'approve' });
    const offered: string[] = [];
    ports.approver = async (offer) => {
      offered.push(offer.fileSystemId);
      return { approved: false, by: 'U01APPROVER' };
    };

    // Act
    const { report } = await runLocalRecovery(input, ports, {
      retryIntervalOverrides: NO_WAIT,
    });

    // Assess
    expect(offered).toEqual([FS]);
    expect(report?.status).toBe('declined');
    expect(w.langfuse.requests).toHaveLength(0);
    expect(slack.thread()).toMatch(/Recover .* dropped records/);
  }, 120_000);
});
