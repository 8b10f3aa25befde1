/**
 * The recovery store, in memory and on DynamoDB (dynalite): counters
 * added atomically by concurrent batches, the progress message, the edit
 * throttle and the offer's token.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import type {
  IncidentStore,
  RecoveryStore,
} from '../../shared/domain/ports.ts';
import { zeroCounters } from '../../shared/domain/recovery/store.ts';
import { useDynamoStores } from '../support/local-run.ts';

const RUN = 'arn:aws:states:us-east-1:123456789012:execution:recovery:r-1';
const T0 = '2026-03-02T10:00:00.000Z';
const T1 = '2026-03-02T10:00:01.000Z';
const T5 = '2026-03-02T10:00:05.000Z';

const stores = useDynamoStores('recovery');

const batch = (listed: number, queued: number) => ({
  ...zeroCounters(),
  listed,
  inWindow: queued,
  queued,
  batches: 1,
});

describe.each(['memory', 'dynamo'] as const)(
  'the %s recovery store',
  (kind) => {
    let store: IncidentStore & RecoveryStore;

    beforeEach(async () => {
      store =
        kind === 'memory' ? createMemoryIncidentStore() : await stores.store();
    });

    it('adds concurrent batches without losing a count', async () => {
      // Act: 20 batches at once
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.addRecoveryCounts({
            runId: RUN,
            phase: 'replay',
            add: batch(500, 400),
            at: i === 0 ? T0 : T1,
          }),
        ),
      );
      const tally = await store.recoveryCounts({ runId: RUN, phase: 'replay' });

      // Assess
      expect(tally.counters).toEqual({
        ...zeroCounters(),
        listed: 10_000,
        inWindow: 8_000,
        queued: 8_000,
        batches: 20,
      });
      expect(tally.startedAt).toBe(T0);
    });

    it('keeps the phases apart and answers zeros for an unknown run', async () => {
      // Prepare
      await store.addRecoveryCounts({
        runId: RUN,
        phase: 'count',
        add: batch(7, 3),
        at: T0,
      });

      // Act
      const replay = await store.recoveryCounts({
        runId: RUN,
        phase: 'replay',
      });
      const other = await store.recoveryCounts({
        runId: 'other',
        phase: 'count',
      });
      const count = await store.recoveryCounts({ runId: RUN, phase: 'count' });

      // Assess
      expect(replay.counters).toEqual(zeroCounters());
      expect(other).toEqual({ counters: zeroCounters() });
      expect(count.counters.listed).toBe(7);
      expect(count.lastAt).toBe(T0);
    });

    it('keeps the first note of a phase as its example', async () => {
      // Act
      for (const note of ['first reason', undefined, 'second reason']) {
        await store.addRecoveryCounts({
          runId: RUN,
          phase: 'count',
          add: batch(1, 0),
          at: T0,
          ...(note ? { note } : {}),
        });
      }
      const tally = await store.recoveryCounts({ runId: RUN, phase: 'count' });

      // Assess
      expect(tally.note).toBe('first reason');
      expect(tally.counters.batches).toBe(3);
    });

    it('remembers the progress message', async () => {
      // Act
      const before = await store.recoveryMessage(RUN);
      await store.saveRecoveryMessage({
        runId: RUN,
        channel: 'C1',
        ts: '1.5',
        fileSystemId: 'fs-0123456789abcdef0',
        window: { from: T0, to: T5 },
      });

      // Assess
      expect(before).toBeUndefined();
      expect(await store.recoveryMessage(RUN)).toEqual({
        channel: 'C1',
        ts: '1.5',
        fileSystemId: 'fs-0123456789abcdef0',
        window: { from: T0, to: T5 },
      });
    });

    it('remembers when FinishRecovery told the thread, per run', async () => {
      // Act
      const before = await store.recoveryFinishedAt(RUN);
      await store.markRecoveryFinished({ runId: RUN, at: T5 });

      // Assess
      expect(before).toBeUndefined();
      expect(await store.recoveryFinishedAt(RUN)).toBe(T5);
      expect(await store.recoveryFinishedAt(`${RUN}-other`)).toBeUndefined();
    });

    it('lets one edit through per interval', async () => {
      // Act
      const first = await Promise.all([
        store.claimRecoveryEdit({ runId: RUN, at: T0, minIntervalMs: 3_000 }),
        store.claimRecoveryEdit({ runId: RUN, at: T0, minIntervalMs: 3_000 }),
      ]);
      const soon = await store.claimRecoveryEdit({
        runId: RUN,
        at: T1,
        minIntervalMs: 3_000,
      });
      const later = await store.claimRecoveryEdit({
        runId: RUN,
        at: T5,
        minIntervalMs: 3_000,
      });

      // Assess
      expect(first.filter(Boolean)).toHaveLength(1);
      expect(soon).toBe(false);
      expect(later).toBe(true);
    });

    it('gives the offer token to one answer only', async () => {
      // Prepare
      await store.saveRecoveryToken({ runId: RUN, taskToken: 'tok-1', at: T0 });

      // Act
      const [a, b] = await Promise.all([
        store.claimRecoveryToken({
          runId: RUN,
          claimId: 'c1',
          at: T1,
          leaseUntil: T5,
        }),
        store.claimRecoveryToken({
          runId: RUN,
          claimId: 'c2',
          at: T1,
          leaseUntil: T5,
        }),
      ]);
      const winner = a.kind === 'claimed' ? 'c1' : 'c2';
      await store.settleRecoveryToken({
        runId: RUN,
        claimId: winner,
        outcome: 'consumed',
      });
      const after = await store.claimRecoveryToken({
        runId: RUN,
        claimId: 'c3',
        at: T5,
        leaseUntil: T5,
      });

      // Assess
      expect([a.kind, b.kind].sort()).toEqual(['busy', 'claimed']);
      expect(
        a.kind === 'claimed'
          ? a.taskToken
          : b.kind === 'claimed' && b.taskToken,
      ).toBe('tok-1');
      expect(after.kind).toBe('none');
    });

    it('leaves the file systems incidents alone', async () => {
      // Prepare
      await store.saveRecoveryToken({ runId: RUN, taskToken: 'tok-1', at: T0 });

      // Act
      const incident = await store.current('fs-0123456789abcdef0');

      // Assess
      expect(incident).toBeUndefined();
    });
  },
);
