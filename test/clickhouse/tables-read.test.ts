/**
 * The snapshot reads ClickHouse's system tables and nothing else, as
 * ClickHouse itself resolves each query: `EXPLAIN QUERY TREE` (ClickHouse
 * docs, "EXPLAIN Statement") names every table and table function a query
 * reads, subqueries and joins included, which a look at the query text for
 * `FROM x` would miss. Run in chDB with Langfuse's tables present, so a
 * query that reached into them would resolve and be caught. chDB has no
 * system.part_log, system.asynchronous_metrics or (without Keeper)
 * system.zookeeper_connection; those are resolved against stand-in tables
 * of the same name and documented columns in another database, and
 * reported under their system name (ClickHouse docs,
 * https://clickhouse.com/docs/operations/system-tables/part_log and
 * https://clickhouse.com/docs/operations/system-tables/zookeeper_connection).
 */
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLangfuseTables } from '../../local/langfuse-schema.ts';
import {
  SNAPSHOT_QUERY_NAMES,
  type SnapshotQueryName,
} from '../../shared/domain/ports.ts';
import {
  SNAPSHOT_QUERIES,
  WINDOWED_QUERIES,
  windowParams,
} from '../../shared/domain/sources/clickhouse/queries.ts';

const STAND_INS = {
  'system.part_log': `CREATE TABLE standin.part_log (
    event_type Enum8('NewPart' = 1, 'MergeParts' = 2, 'DownloadPart' = 3,
      'RemovePart' = 4, 'MutatePart' = 5, 'MovePart' = 6,
      'MergePartsStart' = 7, 'MutatePartStart' = 8),
    event_date Date, event_time DateTime, duration_ms UInt64,
    database String, table String,
    size_in_bytes UInt64) ENGINE = MergeTree ORDER BY event_time`,
  'system.zookeeper_connection': `CREATE TABLE standin.zookeeper_connection (
    name String, host String, port UInt16, \`index\` Nullable(UInt8),
    connected_time DateTime, session_uptime_elapsed_seconds UInt64,
    is_expired UInt8, keeper_api_version UInt8, client_id Int64)
    ENGINE = MergeTree ORDER BY name`,
  'system.asynchronous_metrics': `CREATE TABLE standin.asynchronous_metrics (
    metric String, value Float64) ENGINE = MergeTree ORDER BY metric`,
};

let session: Session;
beforeAll(() => {
  session = new Session();
  createLangfuseTables(session);
  session.query('CREATE DATABASE standin');
  for (const ddl of Object.values(STAND_INS)) session.query(ddl);
});
afterAll(() => session?.close());

/** Every table and table function ClickHouse resolves for a query. */
function tablesRead(name: SnapshotQueryName): string[] {
  const window = { start: new Date(Date.now() - 3600_000), end: new Date() };
  return tablesReadBy(
    SNAPSHOT_QUERIES[name],
    WINDOWED_QUERIES.has(name) ? windowParams(window) : undefined,
  );
}

function tablesReadBy(text: string, params?: object): string[] {
  let sql = text;
  for (const table of Object.keys(STAND_INS)) {
    sql = sql.replaceAll(table, table.replace('system.', 'standin.'));
  }
  const explain = `EXPLAIN QUERY TREE ${sql}`;
  const tree = params
    ? session.queryBind(explain, params, 'TSV')
    : session.query(explain, 'TSV');
  const found = [
    ...tree.matchAll(/table_name: ([\w.]+)|table_function_name: (\w+)/g),
  ].map((m) => (m[1] ? m[1] : `${m[2]}()`));
  return found.map((t) => t.replace(/^standin\./, 'system.'));
}

describe('what the snapshot reads', () => {
  it.each(SNAPSHOT_QUERY_NAMES)(
    'reads system tables only, as ClickHouse resolves %s',
    (name) => {
      // Act
      const tables = tablesRead(name);

      // Assess
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) expect(table).toMatch(/^system\.\w+$/);
    },
  );

  it('finds a Langfuse table read through a subquery', () => {
    // Prepare: the text has only `FROM system.parts` at its top.
    const sql =
      'SELECT count() FROM system.parts WHERE table IN (SELECT name FROM default.traces) LIMIT 1';

    // Act
    const tables = tablesReadBy(sql);

    // Assess
    expect(tables).toEqual(['system.parts', 'default.traces']);
  });
});
