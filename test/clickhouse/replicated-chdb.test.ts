/**
 * Replication evidence read from a real ClickHouse: chDB (ClickHouse 26.x
 * in process) with a ZooKeeper (Debian's, on loopback) in its
 * `<zookeeper>` configuration and a ReplicatedMergeTree table. What this
 * shows, and its limits, measured here:
 * - chDB creates the replicated table and registers the replica in
 *   ZooKeeper, and system.replicas has its row.
 * - chDB runs no embedded Keeper (`<keeper_server>` is not started: the
 *   table cannot be created against it, "All connection tries failed"),
 *   and it never activates the replica: the row stays `is_readonly = 1`
 *   with no active replica, an INSERT waits forever, and
 *   system.replication_queue stays empty. system.zookeeper and
 *   system.zookeeper_connection do not exist in chDB, and closing the
 *   session waits forever until the table is dropped.
 * So the queue rows of a cluster falling behind (local/scenarios.ts,
 * `eks-replicas`) are recorded rows shaped as the ClickHouse docs describe
 * system.replication_queue; this test reads what chDB does have through
 * the same snapshot and summary code as the HTTP adapter.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChdbPort } from '../../local/clickhouse-chdb.ts';
import { replicaLine } from '../../shared/domain/diagnosis/replicas.ts';
import {
  keeperState,
  summarizeReplication,
} from '../../shared/domain/sources/clickhouse/replicas.ts';
import {
  startZooKeeper,
  type ZooKeeperTestServer,
} from '../support/zookeeper.ts';

let zookeeper: ZooKeeperTestServer;
let session: Session;
let dir: string;

beforeAll(async () => {
  zookeeper = await startZooKeeper();
  dir = mkdtempSync(join(tmpdir(), 'burstguard-replicated-'));
  const config = join(dir, 'config.xml');
  writeFileSync(
    config,
    `<clickhouse><zookeeper><node><host>127.0.0.1</host><port>${zookeeper.port}</port></node></zookeeper></clickhouse>\n`,
  );
  session = new Session(join(dir, 'data'), {
    connectionArgs: [`--config-file=${config}`],
  });
  // Langfuse's clustered migrations create Replicated* tables; the columns
  // do not matter to replication's system tables.
  session.query(
    "CREATE TABLE default.traces (id String, timestamp DateTime64(3)) ENGINE = ReplicatedMergeTree('/clickhouse/tables/burstguard/traces', 'langfuse-clickhouse-shard0-0') ORDER BY id",
  );
}, 60_000);

afterAll(async () => {
  // chDB's close waits forever on a replicated table it never activated:
  // dropped first.
  session?.query('DROP TABLE IF EXISTS default.traces SYNC');
  session?.close();
  await zookeeper?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('replication evidence from chDB with ZooKeeper', () => {
  it('reads the replicated table from system.replicas through the snapshot', async () => {
    // Act
    const end = new Date();
    const snapshot = await createChdbPort(session, { replica: true }).snapshot({
      start: new Date(end.getTime() - 3600_000),
      end,
    });
    const replication = summarizeReplication(snapshot, end);

    // Assess: the row chDB keeps for its never-activated replica.
    expect(snapshot.results.replicas).toMatchObject({
      ok: true,
      rows: [
        {
          database: 'default',
          table: 'traces',
          replica_name: 'langfuse-clickhouse-shard0-0',
          is_readonly: 1,
          total_replicas: 1,
          active_replicas: 0,
        },
      ],
    });
    expect(replication).toMatchObject({
      queueEntries: 0,
      replicatedTables: 1,
      readonlyTables: 1,
      sessionExpiredTables: 0,
      queueSize: 0,
    });
    // chDB has no system.zookeeper_connection: read as no Keeper table.
    expect(keeperState(snapshot)).toEqual({ state: 'not-configured' });
    expect(
      replicaLine({
        name: 'langfuse-clickhouse-shard0-0',
        available: true,
        elapsedMs: snapshot.elapsedMs,
        replication,
        keeper: keeperState(snapshot),
      }),
    ).toBe(
      'replica langfuse-clickhouse-shard0-0: replication queue empty; 1 tables read-only; no Keeper configured',
    );
  });
});
