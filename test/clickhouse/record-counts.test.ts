/**
 * ClickHousePort.countRecords: distinct traces and observations of
 * Langfuse's tables in a window. The SQL runs in chDB (26.x) over Langfuse's
 * own table definitions (local/langfuse-schema.ts) with real inserts; the
 * HTTP adapter's settings and failures are checked with a fake client and
 * against Debian's clickhouse-server 18.16 (transport, and whether that old
 * server knows uniqExact).
 */
import {
  type ClickHouseClient,
  ClickHouseError,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChdbPort } from '../../local/clickhouse-chdb.ts';
import { createLangfuseTables } from '../../local/langfuse-schema.ts';
import { createClickHouseHttpPort } from '../../shared/adapters/clickhouse-http.ts';
import { SourceUnavailableError } from '../../shared/domain/errors.ts';
import {
  RECORD_COUNTS_QUERY,
  recordCountParams,
} from '../../shared/domain/sources/clickhouse/record-counts.ts';
import {
  type ClickHouseTestServer,
  freePort,
  startClickHouseServer,
} from '../support/clickhouse-server.ts';

const window = {
  start: new Date('2026-11-26T03:00:00.000Z'),
  end: new Date('2026-11-26T06:00:00.000Z'),
};

/** ClickHouse DateTime64(3) text of an ISO instant. */
const ch = (iso: string) => iso.replace('T', ' ').replace('Z', '');

function insertTrace(session: Session, id: string, at: string) {
  session.query(
    `INSERT INTO traces (id, timestamp, name, project_id, public, bookmarked, tags, metadata, event_ts, is_deleted) VALUES ('${id}', '${ch(at)}', 'chat', 'proj-1', false, false, [], map(), now64(3), 0)`,
  );
}

function insertObservation(session: Session, id: string, at: string) {
  session.query(
    `INSERT INTO observations (id, trace_id, project_id, type, start_time, name, metadata, level, event_ts, is_deleted) VALUES ('${id}', 't', 'proj-1', 'GENERATION', '${ch(at)}', 'llm', map(), 'DEFAULT', now64(3), 0)`,
  );
}

describe('countRecords in chDB over Langfuse tables', () => {
  it('counts distinct ids whose timestamp falls in [start, end)', async () => {
    // Prepare
    const session = new Session();
    try {
      createLangfuseTables(session);
      insertTrace(session, 'before', '2026-11-26T02:59:59.999Z');
      insertTrace(session, 'first', '2026-11-26T03:00:00.000Z');
      insertTrace(session, 'mid', '2026-11-26T04:30:00.000Z');
      insertTrace(session, 'at-end', '2026-11-26T06:00:00.000Z');
      insertObservation(session, 'o-1', '2026-11-26T03:10:00.000Z');
      insertObservation(session, 'o-2', '2026-11-26T05:59:59.999Z');
      insertObservation(session, 'o-late', '2026-11-26T07:00:00.000Z');

      // Act
      const counts = await createChdbPort(session).countRecords(window);

      // Assess
      expect(counts).toEqual({ traces: 2, observations: 2 });
    } finally {
      session.close();
    }
  });

  it('counts a replayed id once while ReplacingMergeTree keeps two rows', async () => {
    // Prepare: the same trace and observation written twice, as a replay of
    // an event that had landed writes them (two parts, merges stopped)
    const session = new Session();
    try {
      createLangfuseTables(session);
      session.query('SYSTEM STOP MERGES traces');
      session.query('SYSTEM STOP MERGES observations');
      for (let i = 0; i < 2; i++) {
        insertTrace(session, 'landed', '2026-11-26T04:00:00.000Z');
        insertObservation(session, 'landed-o', '2026-11-26T04:00:01.000Z');
      }
      const rows = session
        .query(
          'SELECT (SELECT count() FROM traces) + (SELECT count() FROM observations)',
          'TSV',
        )
        .trim();

      // Act
      const counts = await createChdbPort(session).countRecords(window);

      // Assess
      expect(rows).toBe('4');
      expect(counts).toEqual({ traces: 1, observations: 1 });
    } finally {
      session.close();
    }
  });

  it('refuses a window that does not start before it ends', () => {
    expect(() =>
      recordCountParams({ start: window.end, end: window.start }),
    ).toThrow(RangeError);
  });
});

describe('countRecords over HTTP', () => {
  it('sends the query read-only and bounded, the window as parameters', async () => {
    // Prepare
    const calls: Parameters<ClickHouseClient['query']>[0][] = [];
    const client = {
      async query(params: Parameters<ClickHouseClient['query']>[0]) {
        calls.push(params);
        return {
          json: async () => [{ traces: '12', observations: '40' }],
          close() {},
        };
      },
      async close() {},
    } as unknown as ClickHouseClient;
    const port = createClickHouseHttpPort({
      url: 'http://clickhouse.internal:8123',
      username: 'burstguard',
      timeoutMs: 5_000,
      client,
    });

    // Act
    const counts = await port.countRecords?.(window);

    // Assess
    expect(counts).toEqual({ traces: 12, observations: 40 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query).toBe(RECORD_COUNTS_QUERY);
    expect(calls[0]?.query_params).toEqual({
      from: '2026-11-26 03:00:00.000',
      to: '2026-11-26 06:00:00.000',
    });
    expect(calls[0]?.clickhouse_settings).toMatchObject({
      readonly: '2',
      max_execution_time: 4,
      max_result_rows: '20000',
    });
    expect(calls[0]?.abort_signal).toBeInstanceOf(AbortSignal);
  });

  it('turns a failure into one line without the password', async () => {
    // Prepare
    const password = 'sEcret-count-pw';
    const client = {
      async query() {
        throw new ClickHouseError({
          message: `Authentication failed: password is incorrect for user burstguard (${password})`,
          code: '516',
          type: 'AUTHENTICATION_FAILED',
        });
      },
      async close() {},
    } as unknown as ClickHouseClient;
    const port = createClickHouseHttpPort({
      url: 'http://clickhouse.internal:8123',
      username: 'burstguard',
      password,
      timeoutMs: 5_000,
      client,
    });

    // Act
    const failure = await port.countRecords?.(window).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(SourceUnavailableError);
    expect(String((failure as Error).message)).toMatch(
      /^records not counted: /,
    );
    expect(String((failure as Error).message)).not.toContain(password);
  });
});

describe('countRecords against clickhouse-server 18.16', () => {
  let server: ClickHouseTestServer;
  beforeAll(async () => {
    server = await startClickHouseServer();
  }, 40_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('knows uniqExact, which counts distinct values', async () => {
    // Prepare
    const client = createClient({
      url: server.httpUrl,
      username: server.user,
      password: server.password,
      log: { level: ClickHouseLogLevel.OFF },
    });

    // Act
    const result = await client.query({
      query:
        'SELECT uniqExact(x) AS n FROM (SELECT arrayJoin([1, 1, 2, 3, 3]) AS x)',
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ n: string }>();
    await client.close();

    // Assess
    expect(rows).toEqual([{ n: '3' }]);
  });

  it('reports a server without Langfuse tables as one line', async () => {
    // Prepare
    const port = createClickHouseHttpPort({
      url: server.httpUrl,
      username: server.user,
      password: server.password,
      timeoutMs: 5_000,
    });

    // Act
    const failure = await port.countRecords?.(window).catch((e: unknown) => e);
    await port.close();

    // Assess
    expect(failure).toBeInstanceOf(SourceUnavailableError);
    expect(String((failure as Error).message)).toMatch(
      /^records not counted: /,
    );
    expect(String((failure as Error).message)).not.toContain('\n');
  });

  it('reports a refused connection as one line', async () => {
    // Prepare
    const port = createClickHouseHttpPort({
      url: `http://127.0.0.1:${await freePort()}`,
      username: 'burstguard',
      timeoutMs: 5_000,
    });

    // Act
    const failure = await port.countRecords?.(window).catch((e: unknown) => e);
    await port.close();

    // Assess
    expect(failure).toBeInstanceOf(SourceUnavailableError);
    expect(String((failure as Error).message)).toMatch(/ECONNREFUSED|refused/);
  });
});
