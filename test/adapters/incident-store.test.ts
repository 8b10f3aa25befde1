import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { incidentSchema } from '../../shared/domain/contracts.ts';
import type { IncidentStore } from '../../shared/domain/ports.ts';
import { callsOn } from '../support/incident-calls.ts';
import { useDynamoStores } from '../support/local-run.ts';

const FS = 'fs-0123456789abcdef0';
const OTHER_FS = 'fs-0fedcba9876543210';
const T0 = '2026-03-02T10:00:00.000Z';
const T1 = '2026-03-02T10:01:00.000Z';
const T2 = '2026-03-02T10:02:00.000Z';
const T3 = '2026-03-02T10:03:00.000Z';
const DAY_MS = 24 * 3600_000;

const stores = useDynamoStores('incidents');

type Kind = 'memory' | 'dynamo';

async function makeStore(kind: Kind): Promise<{
  store: IncidentStore;
  tableName: string;
}> {
  if (kind === 'memory') {
    return { store: createMemoryIncidentStore(), tableName: '' };
  }
  return stores.table();
}

describe.each<Kind>(['memory', 'dynamo'])('the %s incident store', (kind) => {
  let store: IncidentStore;
  let on: ReturnType<typeof callsOn>;

  beforeEach(async () => {
    ({ store } = await makeStore(kind));
    on = callsOn(store);
  });

  it('neither joins nor replaces an incident idle since activeSince, and says so', async () => {
    // Prepare
    await on.open('inc-1', T0, 'credits');

    // Act
    const idle = await store.openOrJoin({
      fileSystemId: FS,
      incidentId: 'inc-2',
      at: T3,
      alarmName: 'io',
      activeSince: T1,
    });
    const fresh = await store.openOrJoin({
      fileSystemId: FS,
      incidentId: 'inc-3',
      at: T3,
      alarmName: 'io',
      activeSince: T0,
    });

    // Assess
    expect(idle).toMatchObject({
      incidentId: 'inc-1',
      next: 'ignored',
      triggers: 1,
    });
    expect(idle.reason).toBe(`the open incident is idle since ${T0}`);
    expect(fresh).toMatchObject({
      incidentId: 'inc-1',
      next: 'joined',
      triggers: 2,
    });
  });

  it('replaces an idle incident only as it was read', async () => {
    // Prepare
    await on.open('inc-1', T0, 'credits');
    await on.thread('inc-1', 'C1', '1.1');

    // Act
    const stale = await store.replaceIdle({
      fileSystemId: FS,
      idleIncidentId: 'inc-1',
      idleTriggers: 2,
      incidentId: 'inc-2',
      at: T2,
      alarmName: 'io',
    });
    const replaced = await store.replaceIdle({
      fileSystemId: FS,
      idleIncidentId: 'inc-1',
      idleTriggers: 1,
      incidentId: 'inc-2',
      at: T2,
      alarmName: 'io',
    });
    const again = await store.replaceIdle({
      fileSystemId: FS,
      idleIncidentId: 'inc-1',
      idleTriggers: 1,
      incidentId: 'inc-3',
      at: T3,
    });

    // Assess: a new incident without the old thread or alarms.
    expect(stale).toBeUndefined();
    expect(incidentSchema.parse(replaced)).toEqual({
      incidentId: 'inc-2',
      fileSystemId: FS,
      openedAt: T2,
      next: 'diagnose',
      triggers: 1,
      alarmNames: ['io'],
    });
    expect(again).toBeUndefined();
    expect(await store.current(FS)).toMatchObject({
      status: 'open',
      incidentId: 'inc-2',
      lastTriggerAt: T2,
    });
  });

  it('closes at the end of its run only an incident no alarm joined', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await store.openOrJoin({
      fileSystemId: OTHER_FS,
      incidentId: 'inc-2',
      at: T0,
    });
    await store.openOrJoin({
      fileSystemId: OTHER_FS,
      incidentId: 'inc-3',
      at: T1,
      alarmName: 'credits',
    });

    // Act
    const closed = await store.closeUnalarmed({
      fileSystemId: FS,
      incidentId: 'inc-1',
      at: T2,
    });
    const twice = await store.closeUnalarmed({
      fileSystemId: FS,
      incidentId: 'inc-1',
      at: T3,
    });
    const joined = await store.closeUnalarmed({
      fileSystemId: OTHER_FS,
      incidentId: 'inc-2',
      at: T2,
    });

    // Assess
    expect(closed).toMatchObject({ incidentId: 'inc-1', next: 'resolved' });
    expect(twice.next).toBe('ignored');
    expect(joined).toMatchObject({ next: 'ignored', alarmNames: ['credits'] });
    expect((await store.current(OTHER_FS))?.status).toBe('open');
  });

  it('tells of an approval card still waiting for the incident', async () => {
    // Prepare
    await on.open('inc-1', T0, 'credits');
    await on.saveToken('inc-1', 'token', T1);

    // Act
    const resolved = await on.resolve(T2, 'inc-1');
    await on.takeToken('inc-1');
    const answered = await store.current(FS);

    // Assess
    expect(resolved.approvalRequestedAt).toBe(T1);
    expect(answered?.approvalRequestedAt).toBeUndefined();
  });

  it('opens an incident to diagnose when none is open', async () => {
    // Act
    const incident = await on.open('inc-1', T0);

    // Assess
    expect(incidentSchema.parse(incident)).toEqual({
      incidentId: 'inc-1',
      fileSystemId: FS,
      openedAt: T0,
      next: 'diagnose',
      triggers: 1,
    });
  });

  it('joins the open incident and counts its triggers', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await on.thread('inc-1', 'C0123', '1700000000.000100');

    // Act
    const second = await on.open('inc-2', T1);
    const third = await on.open('inc-3', T2);

    // Assess
    expect(incidentSchema.parse(second)).toMatchObject({
      incidentId: 'inc-1',
      openedAt: T0,
      next: 'joined',
      triggers: 2,
      slackChannel: 'C0123',
      slackThreadTs: '1700000000.000100',
    });
    expect(third).toMatchObject({ incidentId: 'inc-1', triggers: 3 });
  });

  it('answers diagnose again when the opener retries with its own id', async () => {
    // Prepare
    await on.open('inc-1', T0);

    // Act
    const retried = await on.open('inc-1', T0);

    // Assess
    expect(retried).toMatchObject({
      incidentId: 'inc-1',
      next: 'diagnose',
      triggers: 1,
    });
  });

  it('opens exactly one incident when many alarms race', async () => {
    // Prepare
    const racers = 40;

    // Act
    const results = await Promise.all(
      Array.from({ length: racers }, (_, i) =>
        store.openOrJoin({
          fileSystemId: FS,
          incidentId: `inc-${i}`,
          at: T0,
        }),
      ),
    );

    // Assess
    const diagnosing = results.filter((r) => r.next === 'diagnose');
    const joined = results.filter((r) => r.next === 'joined');
    expect(diagnosing).toHaveLength(1);
    expect(joined).toHaveLength(racers - 1);
    const winner = diagnosing[0]?.incidentId;
    expect(joined.every((r) => r.incidentId === winner)).toBe(true);
    const counts = joined.map((r) => r.triggers).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: racers - 1 }, (_, i) => i + 2));
  });

  it('resolves the open incident and keeps its thread', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await on.open('inc-2', T1);
    await on.thread('inc-1', 'C0123', '1700000000.000100');

    // Act
    const resolved = await on.resolve(T2);

    // Assess
    expect(incidentSchema.parse(resolved)).toEqual({
      incidentId: 'inc-1',
      fileSystemId: FS,
      openedAt: T0,
      next: 'resolved',
      triggers: 2,
      slackChannel: 'C0123',
      slackThreadTs: '1700000000.000100',
    });
  });

  it('ignores an OK alarm when no incident was ever open', async () => {
    // Act
    const result = await on.resolve(T0);

    // Assess
    expect(incidentSchema.parse(result)).toMatchObject({
      fileSystemId: FS,
      next: 'ignored',
    });
  });

  it('ignores a second OK alarm after the incident was resolved', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await on.resolve(T1);

    // Act
    const again = await on.resolve(T2);

    // Assess
    expect(again).toMatchObject({ incidentId: 'inc-1', next: 'ignored' });
  });

  it('opens a new incident without the old thread after a resolve', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await on.thread('inc-1', 'C0123', '1700000000.000100');
    await store.recordModeChange({ fileSystemId: FS, at: T1 });
    await on.resolve(T2);

    // Act
    const next = await on.open('inc-2', T3);

    // Assess
    expect(next).toEqual({
      incidentId: 'inc-2',
      fileSystemId: FS,
      openedAt: T3,
      next: 'diagnose',
      triggers: 1,
    });
    expect(await store.lastModeChange(FS)).toBe(T1);
  });

  it('keeps the first thread of an incident', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await on.thread('inc-1', 'C0123', '1700000000.000100');

    // Act
    await on.thread('inc-1', 'C0999', '1700000999.000100');
    const joined = await on.open('inc-2', T1);

    // Assess
    expect(joined).toMatchObject({
      slackChannel: 'C0123',
      slackThreadTs: '1700000000.000100',
    });
  });

  it('refuses a thread for an incident that is not the current one', async () => {
    // Prepare
    await on.open('inc-1', T0);
    await on.resolve(T1);
    await on.open('inc-2', T2);

    // Act
    await on.thread('inc-1', 'C0123', '1700000000.000100');
    const joined = await on.open('inc-3', T3);

    // Assess
    expect(joined.incidentId).toBe('inc-2');
    expect(joined.slackThreadTs).toBeUndefined();
    expect(joined.slackChannel).toBeUndefined();
  });

  it('remembers the last throughput change per file system', async () => {
    // Prepare
    const before = await store.lastModeChange(FS);

    // Act
    await store.recordModeChange({ fileSystemId: FS, at: T0 });
    await store.recordModeChange({ fileSystemId: FS, at: T2 });

    // Assess
    expect(before).toBeUndefined();
    expect(await store.lastModeChange(FS)).toBe(T2);
    expect(await store.lastModeChange(OTHER_FS)).toBeUndefined();
  });

  it('lets exactly one of many simultaneous runs claim the change', async () => {
    // Act
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.claimModeChange({
          fileSystemId: FS,
          incidentId: `inc-${i}`,
          at: T1,
          lockMs: DAY_MS,
        }),
      ),
    );

    // Assess
    const won = claims.flatMap((c, i) =>
      c.outcome === 'claimed' ? [`inc-${i}`] : [],
    );
    expect(won).toHaveLength(1);
    expect(claims.filter((c) => c.outcome === 'held')).toHaveLength(7);
    expect(await store.modeChangeClaim(FS)).toEqual({
      at: T1,
      incidentId: won[0],
    });
    expect(await store.lastModeChange(FS)).toBe(T1);
  });

  it('answers own to the incident that already holds the claim', async () => {
    // Prepare
    await on.claim('inc-1', T1);

    // Act
    const again = await on.claim('inc-1', T2);
    const other = await on.claim('inc-2', T2);

    // Assess
    expect(again).toEqual({ outcome: 'own', at: T1 });
    expect(other).toEqual({ outcome: 'held', at: T1, incidentId: 'inc-1' });
  });

  it('claims again once the last change is older than the lock', async () => {
    // Prepare
    await store.recordModeChange({ fileSystemId: FS, at: T0 });
    const held = await on.claim('inc-1', T1);

    // Act
    const later = new Date(Date.parse(T0) + DAY_MS + 1000).toISOString();
    const claim = await on.claim('inc-1', later);

    // Assess
    expect(held).toEqual({ outcome: 'held', at: T0 });
    expect(claim).toEqual({ outcome: 'claimed', at: later });
  });

  it('releases only the claim of the incident that made it', async () => {
    // Prepare
    await on.claim('inc-1', T1);

    // Act
    await on.release('inc-2', T1);
    const afterOther = await store.modeChangeClaim(FS);
    await on.release('inc-1', T1);

    // Assess
    expect(afterOther).toEqual({ at: T1, incidentId: 'inc-1' });
    expect(await store.modeChangeClaim(FS)).toBeUndefined();
    expect(await on.claim('inc-2', T2)).toEqual({ outcome: 'claimed', at: T2 });
  });

  it('opens an incident on a file system that only has a mode change', async () => {
    // Prepare
    await store.recordModeChange({ fileSystemId: FS, at: T0 });

    // Act
    const incident = await on.open('inc-1', T1);

    // Assess
    expect(incident).toMatchObject({ next: 'diagnose', triggers: 1 });
    expect(await on.resolve(T2)).toMatchObject({
      incidentId: 'inc-1',
      next: 'resolved',
    });
  });

  it('keeps incidents of different file systems apart', async () => {
    // Act
    const a = await on.open('inc-a', T0);
    const b = await store.openOrJoin({
      fileSystemId: OTHER_FS,
      incidentId: 'inc-b',
      at: T0,
    });
    const resolvedA = await on.resolve(T1);
    const joinedB = await store.openOrJoin({
      fileSystemId: OTHER_FS,
      incidentId: 'inc-c',
      at: T2,
    });

    // Assess
    expect([a.next, b.next]).toEqual(['diagnose', 'diagnose']);
    expect(resolvedA).toMatchObject({ incidentId: 'inc-a', next: 'resolved' });
    expect(joinedB).toMatchObject({ incidentId: 'inc-b', next: 'joined' });
  });

  it('remembers every alarm that opened or joined the incident, once each', async () => {
    // Prepare
    await on.open('inc-1', T0, 'credits-low');

    // Act
    await on.open('inc-2', T1, 'langfuse-dropped-records');
    const again = await on.open('inc-3', T2, 'credits-low');
    const manual = await on.open('inc-4', T3);

    // Assess
    expect(incidentSchema.parse(again)).toMatchObject({
      incidentId: 'inc-1',
      triggers: 3,
      alarmNames: ['credits-low', 'langfuse-dropped-records'],
    });
    expect(manual.alarmNames).toEqual([
      'credits-low',
      'langfuse-dropped-records',
    ]);
    expect(await store.current(FS)).toMatchObject({
      status: 'open',
      incidentId: 'inc-1',
      triggers: 4,
      alarmNames: ['credits-low', 'langfuse-dropped-records'],
    });
  });

  it('forgets the alarms of a resolved incident when the next one opens', async () => {
    // Prepare
    await on.open('inc-1', T0, 'credits-low');
    await on.resolve(T1);

    // Act
    const byAlarm = await on.open('inc-2', T2, 'io-limit');
    await on.resolve(T2);
    const byHand = await on.open('inc-3', T3);

    // Assess
    expect(byAlarm.alarmNames).toEqual(['io-limit']);
    expect(byHand.alarmNames).toBeUndefined();
  });

  it('resolves only the incident it names, with its trigger count unchanged', async () => {
    // Prepare
    const opened = await on.open('inc-1', T0, 'credits-low');
    await on.open('inc-2', T1, 'credits-low');

    // Act: the count read before the re-alarm, then a wrong id, then the
    // current count
    const stale = await on.resolve(T2, 'inc-1', opened.triggers);
    const other = await on.resolve(T2, 'inc-0', 2);
    const current = await on.resolve(T3, 'inc-1', 2);

    // Assess
    expect(stale).toMatchObject({ incidentId: 'inc-1', next: 'ignored' });
    expect(other).toMatchObject({ incidentId: 'inc-1', next: 'ignored' });
    expect(current).toMatchObject({ incidentId: 'inc-1', next: 'resolved' });
    expect((await store.current(FS))?.status).toBe('resolved');
  });

  it('lets exactly one of many simultaneous resolvers win', async () => {
    // Prepare
    await on.open('inc-1', T0, 'credits-low');

    // Act
    const results = await Promise.all(
      Array.from({ length: 8 }, () => on.resolve(T1, 'inc-1', 1)),
    );

    // Assess
    expect(results.filter((r) => r.next === 'resolved')).toHaveLength(1);
    expect(results.filter((r) => r.next === 'ignored')).toHaveLength(7);
  });

  it('has no current incident for a file system it never saw', async () => {
    // Act / Assess
    expect(await store.current(FS)).toBeUndefined();
  });

  it('hands out an approval token once, and only to its incident', async () => {
    // Prepare
    const taskToken = `AQ${'x'.repeat(2_500)}`;
    await on.open('inc-1', T0);
    await on.saveToken('inc-1', taskToken, T1);

    // Act
    const wrong = await on.takeToken('inc-0');
    const first = await on.takeToken('inc-1');
    const second = await on.takeToken('inc-1');

    // Assess
    expect(wrong).toBeUndefined();
    expect(first).toEqual({ incidentId: 'inc-1', taskToken, savedAt: T1 });
    expect(second).toBeUndefined();
  });

  it('gives the token to exactly one of two simultaneous clicks', async () => {
    // Prepare
    await on.saveToken('inc-1', 'token-1', T0);

    // Act
    const takes = await Promise.all(
      Array.from({ length: 8 }, () => on.takeToken('inc-1')),
    );

    // Assess
    expect(takes.filter((t) => t?.taskToken === 'token-1')).toHaveLength(1);
    expect(takes.filter((t) => t === undefined)).toHaveLength(7);
  });

  it('replaces an earlier approval token with a later one', async () => {
    // Prepare
    await on.saveToken('inc-1', 'token-1', T0);
    await on.saveToken('inc-2', 'token-2', T1);

    // Act
    const old = await on.takeToken('inc-1');
    const current = await on.takeToken('inc-2');

    // Assess
    expect(old).toBeUndefined();
    expect(current?.taskToken).toBe('token-2');
  });
});

describe('the dynamo incident store on its table', () => {
  it('keeps a claim whose answer was lost as its own, so the switch goes ahead', async () => {
    // Prepare: DynamoDB applies the claim, the answer never arrives, and
    // the SDK's retry of the same UpdateItem then fails its condition
    // (what a timed-out first attempt and a retry look like to the store).
    const { tableName } = await makeStore('dynamo');
    const real = stores.dynamo.documentClient;
    let claims = 0;
    const lossy = {
      send: async (command: { input: { UpdateExpression?: string } }) => {
        const isClaim =
          command.input.UpdateExpression?.includes('modeChangeClaimId') &&
          command.input.UpdateExpression.startsWith('SET');
        if (isClaim && claims === 0) {
          claims += 1;
          await real.send(command as never);
          return real.send(command as never);
        }
        return real.send(command as never);
      },
    };
    const store = createDynamoIncidentStore({
      client: lossy as never,
      tableName,
    });

    // Act
    const claim = await store.claimModeChange({
      fileSystemId: FS,
      incidentId: 'inc-1',
      at: T0,
      lockMs: 24 * 3600_000,
    });

    // Assess: this call's claim, not an earlier run's ('own' means "an
    // earlier invocation may have called UpdateFileSystem").
    expect(claims).toBe(1);
    expect(claim).toEqual({ outcome: 'claimed', at: T0 });
    // A second call by the same incident is a retry of the step: 'own'.
    const retry = await store.claimModeChange({
      fileSystemId: FS,
      incidentId: 'inc-1',
      at: T1,
      lockMs: 24 * 3600_000,
    });
    expect(retry.outcome).toBe('own');
  });

  it('keeps one item per file system', async () => {
    // Prepare
    const { store, tableName } = await makeStore('dynamo');
    const on = callsOn(store);

    // Act
    await on.open('inc-1', T0);
    await on.open('inc-2', T1);
    await on.resolve(T2);
    await on.open('inc-3', T3);
    await store.recordModeChange({ fileSystemId: OTHER_FS, at: T3 });

    // Assess
    const scan = await stores.dynamo.documentClient.send(
      new ScanCommand({ TableName: tableName }),
    );
    expect(scan.Items?.map((i) => i.fileSystemId).sort()).toEqual([
      FS,
      OTHER_FS,
    ]);
    const item = await stores.dynamo.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { fileSystemId: FS } }),
    );
    expect(item.Item).toMatchObject({
      status: 'open',
      incidentId: 'inc-3',
      triggers: 1,
    });
    expect(item.Item?.resolvedAt).toBeUndefined();
  });

  it('sees what another store instance wrote to the same table', async () => {
    // Prepare
    const { store, tableName } = await makeStore('dynamo');
    const other = createDynamoIncidentStore({
      client: stores.dynamo.documentClient,
      tableName,
    });
    const on = callsOn(store);
    await on.open('inc-1', T0);

    // Act
    const joined = await other.openOrJoin({
      fileSystemId: FS,
      incidentId: 'inc-2',
      at: T1,
    });

    // Assess
    expect(joined).toMatchObject({ incidentId: 'inc-1', next: 'joined' });
  });

  it('keeps the alarms as a string set on the item', async () => {
    // Prepare
    const { store, tableName } = await makeStore('dynamo');
    const on = callsOn(store);

    // Act
    await on.open('inc-1', T0, 'credits-low');
    await on.open('inc-2', T1, 'io-limit');

    // Assess: the raw attribute, as DynamoDB holds it
    const raw = await stores.dynamo.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { fileSystemId: { S: FS } },
      }),
    );
    expect(raw.Item?.alarmNames?.SS?.sort()).toEqual([
      'credits-low',
      'io-limit',
    ]);
  });

  it('fails loudly when the table does not exist', async () => {
    // Prepare
    const store = createDynamoIncidentStore({
      client: stores.dynamo.documentClient,
      tableName: 'no-such-table',
    });

    // Act
    const attempt = store.openOrJoin({
      fileSystemId: FS,
      incidentId: 'inc-1',
      at: T0,
    });

    // Assess
    await expect(attempt).rejects.toThrow(/ResourceNotFound|not found/i);
  });
});
