/**
 * The ClickHouse snapshot over HTTP, against a real clickhouse-server: the
 * transport as deployed (the HTTP port with the production settings: the
 * readonly=2 user, snapshotSettings, the default 5 s timeout, ten queries
 * in parallel on their own sockets), with system.part_log kept by the
 * server as in production.
 *
 * The server is Debian's clickhouse-server, 18.16: too old for Langfuse's
 * tables (Map, DateTime64, Bool, ReplacingMergeTree's is_deleted) and for
 * some of the snapshot's SQL (query parameters, newer functions). So the
 * data is Langfuse's three tables with the types 18.16 has, same PARTITION
 * BY and ORDER BY, merges stopped and parts made by small inserts; the
 * figure counts the queries 18.16 answered, and names those it refused.
 * What this times is the transport: connect, authenticate, ten requests
 * and their answers. The SQL's own cost on Langfuse's real tables is the
 * chDB figure (bench/clickhouse-snapshot.ts).
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createClickHouseHttpPort } from '../shared/adapters/clickhouse-http.ts';
import { startClickHouseServer } from '../test/support/clickhouse-server.ts';
import { type Figure, median } from './figures.ts';

const PARTS = 1_500;
const RUNS = 7;
/** The configuration's default clickhouseTimeoutMs (shared/domain/config.ts). */
const TIMEOUT_MS = 5_000;

/**
 * Let parts pile up as in a backlog: 18.16 throws at 300 parts in a
 * partition (parts_to_throw_insert, 3,000 from 23.6) and delays from 150.
 */
const PILE_UP =
  'parts_to_delay_insert = 100000, parts_to_throw_insert = 100000';

/** Langfuse's tables with the column types clickhouse-server 18.16 has. */
const TABLES_18_16 = {
  traces: `CREATE TABLE traces (id String, timestamp DateTime, name String, project_id String, input String, output String, event_ts DateTime, is_deleted UInt8) ENGINE = ReplacingMergeTree(event_ts) PARTITION BY toYYYYMM(timestamp) ORDER BY (project_id, toDate(timestamp), id) SETTINGS ${PILE_UP}`,
  observations: `CREATE TABLE observations (id String, trace_id String, project_id String, type String, start_time DateTime, name String, input String, output String, event_ts DateTime, is_deleted UInt8) ENGINE = ReplacingMergeTree(event_ts) PARTITION BY toYYYYMM(start_time) ORDER BY (project_id, type, toDate(start_time), id) SETTINGS ${PILE_UP}`,
  scores: `CREATE TABLE scores (id String, timestamp DateTime, project_id String, trace_id String, name String, value Float64, event_ts DateTime, is_deleted UInt8) ENGINE = ReplacingMergeTree(event_ts) PARTITION BY toYYYYMM(timestamp) ORDER BY (project_id, toDate(timestamp), name, id) SETTINGS ${PILE_UP}`,
};

const INSERTS_18_16 = {
  traces: (rows: number) =>
    `INSERT INTO traces SELECT toString(rand64()), now(), 'chat', 'proj-demo', '${'q'.repeat(200)}', '${'a'.repeat(400)}', now(), 0 FROM system.numbers LIMIT ${rows}`,
  observations: (rows: number) =>
    `INSERT INTO observations SELECT toString(rand64()), toString(rand64()), 'proj-demo', 'GENERATION', now(), 'llm-call', '${'p'.repeat(300)}', '${'c'.repeat(600)}', now(), 0 FROM system.numbers LIMIT ${rows}`,
  scores: (rows: number) =>
    `INSERT INTO scores SELECT toString(rand64()), now(), 'proj-demo', toString(rand64()), 'quality', rand() / 4294967295, now(), 0 FROM system.numbers LIMIT ${rows}`,
};

/** Median HTTP snapshot time and the queries 18.16 answered. */
export async function benchClickHouseHttp(): Promise<Figure[]> {
  const server = await startClickHouseServer({ partLog: true });
  const admin = createClient({
    url: server.httpUrl,
    username: server.adminUser,
    password: server.adminPassword,
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    const version = (
      await (
        await admin.query({ query: 'SELECT version() AS v' })
      ).json<{
        v: string;
      }>()
    ).data[0]?.v;
    for (const ddl of Object.values(TABLES_18_16)) {
      await admin.command({ query: ddl });
    }
    await admin.command({ query: 'SYSTEM STOP MERGES' });
    const names = Object.keys(INSERTS_18_16) as (keyof typeof INSERTS_18_16)[];
    for (let i = 0; i < PARTS; i++) {
      const table = names[i % names.length] as keyof typeof INSERTS_18_16;
      await admin.command({ query: INSERTS_18_16[table](10) });
    }
    await admin.command({ query: 'SYSTEM FLUSH LOGS' });
    const count = async (query: string) =>
      Number(
        (await (await admin.query({ query })).json<{ n: string }>()).data[0]?.n,
      );
    const active = await count(
      "SELECT count() AS n FROM system.parts WHERE active AND database = 'default'",
    );
    const partLogRows = await count('SELECT count() AS n FROM system.part_log');

    const port = createClickHouseHttpPort({
      url: server.httpUrl,
      username: server.user,
      password: server.password,
      timeoutMs: TIMEOUT_MS,
    });
    const window = {
      start: new Date(Date.now() - 3 * 3600_000),
      end: new Date(Date.now() + 60_000),
    };
    try {
      await port.snapshot(window);
      const times: number[] = [];
      let answered = 0;
      const refused = new Map<string, string>();
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const snapshot = await port.snapshot(window);
        times.push(performance.now() - started);
        answered = 0;
        for (const [name, result] of Object.entries(snapshot.results)) {
          if (result?.ok) answered++;
          else if (result) refused.set(name, result.reason);
        }
      }
      for (const [name, reason] of refused) {
        process.stderr.write(
          `bench: clickhouse-server ${version} refused ${name}: ${reason.slice(0, 160)}\n`,
        );
      }
      return [
        {
          figure: `ClickHouse snapshot over HTTP, clickhouse-server ${version}, ${active} active parts, part_log on (${partLogRows} rows), readonly user (median of ${RUNS})`,
          value: Math.round(median(times) * 10) / 10,
          unit: 'ms',
          budget: 'reported',
        },
        {
          figure: `ClickHouse snapshot queries clickhouse-server ${version} answered over HTTP (of ${
            Object.keys((await port.snapshot(window)).results).length
          })`,
          value: answered,
          unit: '',
          budget: 'reported',
        },
      ];
    } finally {
      await port.close();
    }
  } finally {
    await admin.close();
    await server.stop();
  }
}
