/**
 * The local Distributed Map engine against a real S3 API (s3rver on
 * loopback, @aws-sdk/client-s3), running the recovery definition's
 * ReplayPrefix state. The Task handlers are stand-ins for the step Lambdas:
 * the engine is what is under test.
 *
 * What the engine must do comes from the AWS Step Functions developer guide:
 * input-output-itemreader (listObjectsV2 items {Etag, Key, LastModified in
 * epoch seconds, Size, StorageClass}), input-output-itembatcher ({Items,
 * BatchInput}), input-output-resultwriter ({MapRunArn, ResultWriterDetails}
 * and manifest.json with ResultFiles by status), maprun-fail-threshold and
 * redrive-map-run. ListObjectsV2 returns at most 1,000 keys a call (Amazon S3
 * API reference, ListObjectsV2).
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DistributedMapState,
  MemoryMapRunStore,
  type ResultWriterOutput,
  resolveTemplate,
  runDistributedMap,
  type S3Sender,
} from '../../local/distributed-map.ts';
import {
  buildRecoveryDefinition,
  LANGFUSE_ERRORS,
  placeholderRecoveryArns,
} from '../../workflows/recovery.ts';
import { type LocalS3, startS3rver } from '../support/s3rver.ts';

const EVENTS = 'langfuse-events';
const OWN = 'burstguard-own';
const EXECUTION =
  'arn:aws:states:us-east-1:000000000000:execution:burstguard-recovery-local:test';

function replayPrefix(batchSize: number, maxConcurrency = 4) {
  const definition = buildRecoveryDefinition(
    placeholderRecoveryArns(),
    undefined,
    { resultsBucket: OWN, batchSize, maxConcurrency },
  );
  return definition.States.ReplayPrefix as unknown as DistributedMapState;
}

/** The Map state's input as the loop hands it over. */
function mapInput(prefix: string) {
  return {
    plan: {
      runId: 'run-1',
      fileSystemId: 'fs-0123456789abcdef0',
      window: { from: '2026-11-23T02:00:00Z', to: '2026-11-23T04:00:00Z' },
      bucket: EVENTS,
      eventsPrefix: '',
    },
    phase: 'replay',
    cursor: { index: 0, count: 1, dryRun: false },
    current: { prefix, kind: 'otel' },
  };
}

type Batch = {
  Items: { Key: string; LastModified: number }[];
  BatchInput: Record<string, unknown>;
};

function namedError(name: string, message: string) {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Counts the ListObjectsV2 pages the engine asks for. */
function countingS3(s3: LocalS3, pages: { keys: number }[]): S3Sender {
  return {
    async send(command) {
      const out = await s3.client.send(command as never);
      if (command instanceof ListObjectsV2Command) {
        pages.push({
          keys: (out as { Contents?: unknown[] }).Contents?.length ?? 0,
        });
      }
      return out;
    },
  };
}

/** One results file a manifest lists for a status (SUCCEEDED, FAILED, PENDING). */
function resultFile(
  s3: LocalS3,
  manifest: { ResultFiles: Record<string, { Key: string }[]> },
  status: string,
) {
  return readJson(s3, OWN, manifest.ResultFiles[status]?.[0]?.Key ?? '');
}

async function readJson(s3: LocalS3, bucket: string, key: string) {
  const out = await s3.client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key }),
  );
  return JSON.parse((await out.Body?.transformToString()) ?? 'null');
}

describe('the local Distributed Map engine', () => {
  let s3: LocalS3;
  const bigPrefix = 'otel/p1/2026/11/23/03/';
  const keyOf = (i: number) =>
    `${bigPrefix}${String(i % 60).padStart(2, '0')}/${String(i).padStart(6, '0')}.json`;

  beforeAll(async () => {
    s3 = await startS3rver([EVENTS, OWN]);
    await s3.putObjects(EVENTS, 2345, keyOf);
    await s3.putObjects(
      EVENTS,
      40,
      (i) => `p2/trace/body-${i}/event-${i}.json`,
    );
  }, 120_000);
  afterAll(async () => {
    await s3?.close();
  });

  it('batches every one of 2,345 keys once, across ListObjectsV2 pages of at most 1,000', async () => {
    const pages: { keys: number }[] = [];
    const batches: Batch[] = [];
    const before = Math.floor(Date.now() / 1000) - 600;
    const output = (await runDistributedMap(
      replayPrefix(500),
      mapInput(bigPrefix),
      {
        s3: countingS3(s3, pages),
        executionId: EXECUTION,
        stateName: 'ReplayPrefix',
        taskHandlers: {
          ReplayBatch: async (input) => {
            batches.push(input as Batch);
            return { listed: (input as Batch).Items.length };
          },
          RecordProgress: async () => ({ recorded: true }),
        },
      },
    )) as ResultWriterOutput;

    expect(pages.length).toBe(3);
    expect(pages.map((p) => p.keys)).toEqual([1000, 1000, 345]);
    const keys = batches.flatMap((b) => b.Items.map((i) => i.Key));
    expect(keys).toHaveLength(2345);
    expect(new Set(keys)).toEqual(
      new Set(Array.from({ length: 2345 }, (_, i) => keyOf(i))),
    );
    expect(batches).toHaveLength(5);
    for (const batch of batches) {
      expect(batch.Items.length).toBeLessThanOrEqual(500);
      // ItemSelector keeps Key and LastModified (epoch seconds), nothing else.
      for (const item of batch.Items) {
        expect(Object.keys(item).sort()).toEqual(['Key', 'LastModified']);
        expect(item.LastModified).toBeGreaterThan(before);
      }
      expect(batch.BatchInput).toEqual({
        runId: 'run-1',
        fileSystemId: 'fs-0123456789abcdef0',
        window: { from: '2026-11-23T02:00:00Z', to: '2026-11-23T04:00:00Z' },
        dryRun: false,
        eventsPrefix: '',
        kind: 'otel',
        prefix: bigPrefix,
        phase: 'replay',
      });
    }
    expect(output.MapRunArn).toMatch(
      /^arn:aws:states:us-east-1:000000000000:mapRun:burstguard-recovery-local\/ReplayPrefix:[0-9a-f-]{36}$/,
    );
  });

  it('writes its results to its own bucket, never the listed one', async () => {
    const listedBefore = await s3.keys(EVENTS);
    const output = (await runDistributedMap(replayPrefix(10), mapInput('p2/'), {
      s3: s3.client,
      executionId: EXECUTION,
      stateName: 'ReplayPrefix',
      taskHandlers: {
        ReplayBatch: async (input) => ({
          queued: (input as Batch).Items.length,
        }),
        RecordProgress: async () => ({}),
      },
    })) as ResultWriterOutput;

    expect(await s3.keys(EVENTS)).toEqual(listedBefore);
    const runId = output.MapRunArn.split(':').at(-1);
    expect(output.ResultWriterDetails).toEqual({
      Bucket: OWN,
      Key: `recoveries/${runId}/manifest.json`,
    });
    const manifest = await readJson(s3, OWN, output.ResultWriterDetails.Key);
    expect(manifest.DestinationBucket).toBe(OWN);
    expect(manifest.MapRunArn).toBe(output.MapRunArn);
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    expect(manifest.ResultFiles.PENDING).toEqual([]);
    expect(manifest.ResultFiles.SUCCEEDED).toHaveLength(1);
    const succeeded = await resultFile(s3, manifest, 'SUCCEEDED');
    expect(succeeded).toHaveLength(4);
    // The child's output is ReplayBatch's result (RecordProgress OutputPath).
    expect(
      succeeded.map((e: { Output: string }) => JSON.parse(e.Output).queued),
    ).toEqual([10, 10, 10, 10]);
    expect(
      succeeded.every((e: { Status: string }) => e.Status === 'SUCCEEDED'),
    ).toBe(true);
  });

  it('retries a batch Langfuse rate-limits, as the ASL Retry says', async () => {
    const attempts = new Map<string, number>();
    await runDistributedMap(replayPrefix(10), mapInput('p2/'), {
      s3: s3.client,
      executionId: EXECUTION,
      stateName: 'ReplayPrefix',
      retryIntervalOverrides: { ReplayBatch: 1 },
      taskHandlers: {
        ReplayBatch: async (input) => {
          const first = (input as Batch).Items[0]?.Key ?? '';
          const n = (attempts.get(first) ?? 0) + 1;
          attempts.set(first, n);
          if (first.endsWith('event-0.json') && n <= 2) {
            throw namedError(
              LANGFUSE_ERRORS.rateLimited,
              '429 Too Many Requests',
            );
          }
          return { queued: (input as Batch).Items.length };
        },
        RecordProgress: async () => ({}),
      },
    });
    expect(attempts.get('p2/trace/body-0/event-0.json')).toBe(3);
    expect([...attempts.values()].filter((n) => n === 1)).toHaveLength(3);
  });

  it('fails the map on a rejected batch without retrying it', async () => {
    let calls = 0;
    const run = runDistributedMap(replayPrefix(40), mapInput('p2/'), {
      s3: s3.client,
      executionId: EXECUTION,
      stateName: 'ReplayPrefix',
      retryIntervalOverrides: { ReplayBatch: 1 },
      taskHandlers: {
        ReplayBatch: async () => {
          calls++;
          throw namedError(LANGFUSE_ERRORS.rejected, '401 Unauthorized');
        },
        RecordProgress: async () => ({}),
      },
    });
    await expect(run).rejects.toMatchObject({
      name: 'States.ExceedToleratedFailureThreshold',
    });
    expect(calls).toBe(1);
  });

  it('runs at most MaxConcurrency batches at once', async () => {
    let inFlight = 0;
    let most = 0;
    await runDistributedMap(replayPrefix(2, 3), mapInput('p2/'), {
      s3: s3.client,
      executionId: EXECUTION,
      stateName: 'ReplayPrefix',
      taskHandlers: {
        ReplayBatch: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
          return {};
        },
        RecordProgress: async () => ({}),
      },
    });
    expect(most).toBe(3);
  });

  it('stops on a failed batch and redrives only the batches that did not succeed', async () => {
    const store = new MemoryMapRunStore();
    const replayed: string[] = [];
    const events: string[] = [];
    let healthy = false;
    const options = {
      s3: s3.client,
      executionId: EXECUTION,
      stateName: 'ReplayPrefix',
      store,
      retryIntervalOverrides: { ReplayBatch: 1 },
      onChild: (e: { type: string; child: { index: number } }) =>
        events.push(`${e.type} ${e.child.index}`),
      taskHandlers: {
        ReplayBatch: async (input: unknown) => {
          const first = (input as Batch).Items[0]?.Key ?? '';
          if (!healthy && first.endsWith('event-2.json')) {
            throw namedError(LANGFUSE_ERRORS.unavailable, '502 Bad Gateway');
          }
          replayed.push(first);
          return { queued: (input as Batch).Items.length };
        },
        RecordProgress: async () => ({}),
      },
    };
    // p2/ lists as event-0, event-1, event-10 .. event-19, event-2, ...: in
    // batches of 4 the one starting at event-2 is the 4th of 10.
    const state = replayPrefix(4, 1);
    await expect(
      runDistributedMap(state, mapInput('p2/'), options),
    ).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
    const failedRun = store.latest(EXECUTION, 'ReplayPrefix');
    expect(failedRun?.status).toBe('FAILED');
    expect(failedRun?.children.map((c) => c.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'FAILED',
      ...Array(6).fill('PENDING'),
    ]);
    // Nothing starts after the failure.
    expect(events.slice(events.indexOf('failed 3') + 1)).toEqual([]);
    const manifest = await readJson(
      s3,
      OWN,
      failedRun?.resultWriterDetails?.Key ?? '',
    );
    expect(manifest.ResultFiles.FAILED).toHaveLength(1);
    expect(manifest.ResultFiles.PENDING).toHaveLength(1);
    const pending = await resultFile(s3, manifest, 'PENDING');
    expect(pending).toHaveLength(6);

    healthy = true;
    const firstRun = [...replayed];
    replayed.length = 0;
    const output = (await runDistributedMap(state, mapInput('p2/'), {
      ...options,
      redrive: failedRun,
    })) as ResultWriterOutput;
    expect(output.MapRunArn).toBe(failedRun?.mapRunArn);
    expect(firstRun).toHaveLength(3);
    expect(replayed).toHaveLength(7);
    const all = [...firstRun, ...replayed];
    expect(new Set(all).size).toBe(10);
    const runTwice = failedRun?.children.filter((c) => c.runs > 1) ?? [];
    expect(runTwice.map((c) => c.index)).toEqual([3]);
    expect(store.latest(EXECUTION, 'ReplayPrefix')?.status).toBe('SUCCEEDED');
  });

  it('resumes a Standard child at the state that failed, and starts an Express one over', async () => {
    const store = new MemoryMapRunStore();
    const replays = new Map<string, number>();
    const records = new Map<string, number>();
    let storeDown = true;
    const options = {
      s3: s3.client,
      executionId: `${EXECUTION}-progress`,
      stateName: 'ReplayPrefix',
      store,
      taskHandlers: {
        ReplayBatch: async (input: unknown) => {
          const first = (input as Batch).Items[0]?.Key ?? '';
          replays.set(first, (replays.get(first) ?? 0) + 1);
          return { queued: (input as Batch).Items.length, first };
        },
        RecordProgress: async (input: unknown) => {
          const { first } = (input as { result: { first: string } }).result;
          records.set(first, (records.get(first) ?? 0) + 1);
          if (storeDown && first.endsWith('event-0.json')) {
            throw namedError('ProgressStoreError', 'DynamoDB unavailable');
          }
          return {};
        },
      },
    };
    const state = replayPrefix(10, 1);
    await expect(
      runDistributedMap(state, mapInput('p2/'), options),
    ).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
    const failedRun = store.latest(`${EXECUTION}-progress`, 'ReplayPrefix');
    expect(failedRun?.children[0]?.failedAt?.state).toBe('RecordProgress');

    storeDown = false;
    await runDistributedMap(state, mapInput('p2/'), {
      ...options,
      redrive: failedRun,
    });
    const first = 'p2/trace/body-0/event-0.json';
    expect(replays.get(first)).toBe(1);
    expect(records.get(first)).toBe(2);
    expect([...replays.values()]).toEqual([1, 1, 1, 1]);

    // An Express child starts over from its first state on redrive.
    const express = structuredClone(state);
    express.ItemProcessor.ProcessorConfig = {
      Mode: 'DISTRIBUTED',
      ExecutionType: 'EXPRESS',
    };
    replays.clear();
    storeDown = true;
    const expressOptions = { ...options, executionId: `${EXECUTION}-express` };
    await expect(
      runDistributedMap(express, mapInput('p2/'), expressOptions),
    ).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
    storeDown = false;
    await runDistributedMap(express, mapInput('p2/'), {
      ...expressOptions,
      redrive: store.latest(`${EXECUTION}-express`, 'ReplayPrefix'),
    });
    expect(replays.get(first)).toBe(2);
  });

  it('refuses a path it cannot read with a clear error', () => {
    expect(() =>
      resolveTemplate(
        { 'Prefix.$': "States.Format('{}/', $.p)" },
        { p: 'x' },
        'ItemReader.Parameters',
      ),
    ).toThrow(
      /ItemReader.Parameters: the local Distributed Map reads only \$\.a\.b and \$\$\.Map\.Item\.Value\.a\.b paths/,
    );
  });
});
