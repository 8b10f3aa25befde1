/**
 * The HTTP adapter against a real clickhouse-server on loopback (Debian's
 * 18.16: transport behaviour only; the SQL is checked in chDB). Each
 * failure must come back as one line without waiting for the timeout when
 * the server already said no; the test timeouts enforce that, never a
 * timed assertion.
 */
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseHttpPort } from '../../shared/adapters/clickhouse-http.ts';
import { SourceUnavailableError } from '../../shared/domain/errors.ts';
import type { SnapshotQueryName } from '../../shared/domain/ports.ts';
import {
  SNAPSHOT_QUERIES,
  snapshotSettings,
} from '../../shared/domain/sources/clickhouse/queries.ts';
import { summarizeSnapshot } from '../../shared/domain/sources/clickhouse/summarize.ts';
import {
  type ClickHouseTestServer,
  freePort,
  startClickHouseServer,
  startSilentServer,
  startTricklingServer,
} from '../support/clickhouse-server.ts';

const window = {
  start: new Date(Date.now() - 3 * 3600_000),
  end: new Date(),
};
/** Longer than any test below may take: a wait for it fails the test. */
const PATIENT_TIMEOUT_MS = 25_000;
const FAST_TEST_MS = 10_000;

let server: ClickHouseTestServer;

beforeAll(async () => {
  server = await startClickHouseServer();
});

afterAll(async () => {
  await server?.stop();
});

/** A real client whose one query is replaced by a slow one. */
function withSlowQuery(
  real: ClickHouseClient,
  name: SnapshotQueryName,
): ClickHouseClient {
  const slow = {
    query: (params: Parameters<ClickHouseClient['query']>[0]) =>
      real.query(
        params.query === SNAPSHOT_QUERIES[name]
          ? { ...params, query: 'SELECT sleep(3)' }
          : params,
      ),
    close: () => real.close(),
  };
  return slow as unknown as ClickHouseClient;
}

/** @clickhouse/client for the test server as `username`, logging nothing. */
function clientAs(
  username: string,
  password: string,
  options: { request_timeout?: number } = {},
) {
  return createClient({
    url: server.httpUrl,
    username,
    password,
    ...options,
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** The adapter for the readonly test user with `password`, at `url`. */
function portAs(
  password: string,
  url: string,
  timeoutMs: number,
  options: { caCertPem?: string } = {},
) {
  return createClickHouseHttpPort({
    url,
    username: server.user,
    password,
    timeoutMs,
    ...options,
  });
}

describe('the HTTP adapter against clickhouse-server', () => {
  it('reads the system tables with a readonly=2 user', async () => {
    // Prepare
    const port = portAs(server.password, server.httpUrl, 5_000);

    // Act
    const snapshot = await port.snapshot(window);
    await port.close();

    // Assess: 18.16 answers these; newer columns and tables fail alone
    expect(snapshot.results.parts).toEqual({ ok: true, rows: [] });
    expect(snapshot.results.metrics?.ok).toBe(true);
    expect(snapshot.results.disks).toEqual({
      ok: false,
      reason: 'system.disks does not exist on this server',
    });
    const { summary } = summarizeSnapshot(snapshot, window);
    // 18.16's own defaults, read live rather than assumed
    expect(summary.partsToDelayInsert).toBe(150);
    expect(summary.partsToThrowInsert).toBe(300);
  });

  it('reads over HTTPS with the certificate of a private CA', async () => {
    // Prepare
    const port = portAs(server.password, server.httpsUrl, 5_000, {
      caCertPem: server.caCertPem,
    });

    // Act
    const snapshot = await port.snapshot(window);
    await port.close();

    // Assess
    expect(snapshot.results.merge_tree_settings?.ok).toBe(true);
  });

  it(
    'says unreachable when the certificate is not trusted',
    async () => {
      // Prepare
      const port = portAs(server.password, server.httpsUrl, PATIENT_TIMEOUT_MS);

      // Act
      const result = port.snapshot(window);

      // Assess
      await expect(result).rejects.toThrow(SourceUnavailableError);
      await expect(result).rejects.toThrow(
        /^unreachable after [\d.]+ s: .*self-signed certificate/,
      );
      await port.close();
    },
    FAST_TEST_MS,
  );

  it(
    'says authentication failed for a wrong password, without it',
    async () => {
      // Prepare
      const wrong = 'not-the-Pa55word';
      const port = portAs(wrong, server.httpUrl, PATIENT_TIMEOUT_MS);

      // Act
      const error = await port.snapshot(window).catch((e: unknown) => e);
      await port.close();

      // Assess
      expect(error).toBeInstanceOf(SourceUnavailableError);
      expect((error as Error).message).toBe(
        'authentication failed for user burstguard',
      );
      expect(JSON.stringify(error)).not.toContain(wrong);
    },
    FAST_TEST_MS,
  );

  it(
    'says unreachable for a refused connection',
    async () => {
      // Prepare
      const closed = await freePort();
      const port = portAs(
        server.password,
        `http://127.0.0.1:${closed}`,
        PATIENT_TIMEOUT_MS,
      );

      // Act
      const result = port.snapshot(window);

      // Assess
      await expect(result).rejects.toThrow(
        new RegExp(
          `^unreachable after [\\d.]+ s: connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}$`,
        ),
      );
      await port.close();
    },
    FAST_TEST_MS,
  );

  it('reports a query slower than the timeout alone', async () => {
    // Prepare
    const real = clientAs(server.user, server.password, {
      request_timeout: 1_000,
    });
    const port = createClickHouseHttpPort({
      url: server.httpUrl,
      username: server.user,
      timeoutMs: 1_000,
      client: withSlowQuery(real, 'events'),
    });

    // Act
    const snapshot = await port.snapshot(window);
    await port.close();

    // Assess
    expect(snapshot.results.events).toEqual({
      ok: false,
      reason: 'timed out after 1 s',
    });
    expect(snapshot.results.parts?.ok).toBe(true);
    expect(snapshot.results.merge_tree_settings?.ok).toBe(true);
  });

  it('says unreachable when no query answers within the timeout', async () => {
    // Prepare: accepts connections, never answers
    const silent = await startSilentServer();
    const port = portAs(server.password, silent.url, 1_000);

    // Act
    const error = await port.snapshot(window).catch((e: unknown) => e);
    await port.close();
    await silent.close();

    // Assess
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toBe(
      `unreachable after 1 s: no query answered at ${silent.url}`,
    );
  });

  it(
    'ends a snapshot at its deadline when the server trickles bytes and never finishes',
    async () => {
      // Prepare: a byte every 200 ms keeps the socket busy, so the client's
      // request_timeout (an inactivity timeout) alone would wait forever.
      const trickling = await startTricklingServer(200);
      const port = portAs(server.password, trickling.url, 1_000);
      const started = performance.now();

      // Act
      const error = await port.snapshot(window).catch((e: unknown) => e);
      const elapsedMs = performance.now() - started;
      await port.close();
      await trickling.close();

      // Assess: a named error, well inside the Task timeout.
      expect(error).toBeInstanceOf(SourceUnavailableError);
      expect((error as Error).message).toBe(
        `unreachable after 1 s: no query answered at ${trickling.url}`,
      );
      expect(elapsedMs).toBeLessThan(FAST_TEST_MS);
    },
    PATIENT_TIMEOUT_MS,
  );

  it('keeps every request read-only even for a user that may write', async () => {
    // Prepare
    const admin = clientAs(server.adminUser, server.adminPassword);

    // Act
    const write = admin.command({
      query: 'CREATE TABLE default.t (x UInt8) ENGINE = Memory',
      clickhouse_settings: snapshotSettings(5_000),
    });

    // Assess
    await expect(write).rejects.toThrow(/readonly mode/);
    const tables = await admin.query({
      query: "SELECT name FROM system.tables WHERE database = 'default'",
      format: 'JSONEachRow',
    });
    expect(await tables.json()).toEqual([]);
    await admin.close();
  });
});
