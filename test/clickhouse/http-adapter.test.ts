/**
 * The HTTP adapter's handling of partial and total failures, with a fake
 * client in place of @clickhouse/client (no network).
 */
import { type ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { createClickHouseHttpPort } from '../../shared/adapters/clickhouse-http.ts';
import { SourceUnavailableError } from '../../shared/domain/errors.ts';
import {
  SNAPSHOT_QUERY_NAMES,
  type SnapshotQueryName,
} from '../../shared/domain/ports.ts';
import { SNAPSHOT_QUERIES } from '../../shared/domain/sources/clickhouse/queries.ts';

type QueryParams = Parameters<ClickHouseClient['query']>[0];
type Answer = Record<string, unknown>[] | Error;

const PASSWORD = 'correct-Horse-battery';
const window = {
  start: new Date('2026-11-20T00:00:00Z'),
  end: new Date('2026-11-23T03:00:00Z'),
};

const nameOf = (sql: string) =>
  SNAPSHOT_QUERY_NAMES.find((n) => SNAPSHOT_QUERIES[n] === sql);

/** A client that answers each snapshot query as told and records calls. */
function fakeClient(answer: (name: SnapshotQueryName) => Answer) {
  const calls: QueryParams[] = [];
  const client = {
    async query(params: QueryParams) {
      calls.push(params);
      const name = nameOf(params.query);
      if (!name) throw new Error(`unexpected query ${params.query}`);
      const result = answer(name);
      if (result instanceof Error) throw result;
      return { json: async () => result };
    },
    async close() {},
  };
  return { client: client as unknown as ClickHouseClient, calls };
}

function port(client: ClickHouseClient, timeoutMs = 5_000) {
  return createClickHouseHttpPort({
    url: 'https://clickhouse.internal:8443',
    username: 'burstguard',
    password: PASSWORD,
    timeoutMs,
    client,
  });
}

describe('createClickHouseHttpPort', () => {
  it('reports each failed query alone and keeps the others', async () => {
    // Prepare
    const { client } = fakeClient((name) =>
      name === 'part_log'
        ? new ClickHouseError({
            message:
              "Unknown table expression identifier 'system.part_log' in scope SELECT ... ",
            code: '60',
            type: 'UNKNOWN_TABLE',
          })
        : name === 'merges'
          ? new Error('Timeout error.')
          : [{ name, value: '1' }],
    );

    // Act
    const snapshot = await port(client).snapshot(window);

    // Assess
    expect(snapshot.results.part_log).toEqual({
      ok: false,
      reason:
        'system.part_log does not exist on this server (its part_log section is off in the server configuration)',
    });
    expect(snapshot.results.merges).toEqual({
      ok: false,
      reason: 'timed out after 5 s',
    });
    expect(snapshot.results.parts).toEqual({
      ok: true,
      rows: [{ name: 'parts', value: '1' }],
    });
    // The ten queries and part_log_tables; the replica queries are asked
    // of a cluster's replicas only.
    expect(Object.keys(snapshot.results)).toHaveLength(11);
    expect(snapshot.results.replicas).toBeUndefined();
    expect(snapshot.results.keeper).toBeUndefined();
  });

  it('asks a replica its replication queue, system.replicas and Keeper too', async () => {
    // Prepare
    const { client, calls } = fakeClient(() => []);
    const replica = createClickHouseHttpPort({
      url: 'http://unused',
      username: 'default',
      timeoutMs: 5_000,
      client,
      replica: true,
    });

    // Act
    const snapshot = await replica.snapshot(window);

    // Assess
    expect(calls).toHaveLength(SNAPSHOT_QUERY_NAMES.length);
    expect(snapshot.results.replication_queue).toEqual({ ok: true, rows: [] });
    expect(snapshot.results.replicas).toEqual({ ok: true, rows: [] });
    expect(snapshot.results.keeper).toEqual({ ok: true, rows: [] });
  });

  it('sends read-only, bounded settings and the window as parameters', async () => {
    // Prepare
    const { client, calls } = fakeClient(() => []);

    // Act
    await port(client).snapshot(window);

    // Assess: every query but the two asked of replicas only
    expect(calls).toHaveLength(SNAPSHOT_QUERY_NAMES.length - 2);
    for (const call of calls) {
      expect(call.format).toBe('JSONEachRow');
      expect(call.clickhouse_settings).toEqual({
        readonly: '2',
        max_execution_time: 4,
        max_result_rows: '20000',
        result_overflow_mode: 'break',
      });
    }
    const partLog = calls.find((c) => nameOf(c.query) === 'part_log');
    // part_log reads the last day of a longer window
    expect(partLog?.query_params).toEqual({
      start: '2026-11-22 03:00:00',
      end: '2026-11-23 03:00:00',
    });
    const perTable = calls.find((c) => nameOf(c.query) === 'part_log_tables');
    expect(perTable?.query_params).toEqual(partLog?.query_params);
    const others = calls.filter(
      (c) => !['part_log', 'part_log_tables'].includes(nameOf(c.query) ?? ''),
    );
    for (const call of others) expect(call.query_params).toBeUndefined();
  });

  it('returns the reasons when every query failed for its own reason', async () => {
    // Prepare: a proxy answering HTML, say
    const { client } = fakeClient(
      () => new Error('<html><body>502 Bad Gateway</body></html>'),
    );

    // Act
    const snapshot = await port(client).snapshot(window);

    // Assess
    expect(snapshot.results.events).toEqual({
      ok: false,
      reason: '<html><body>502 Bad Gateway</body></html>',
    });
  });

  it('throws one line when the user is refused', async () => {
    // Prepare
    const { client } = fakeClient(
      () =>
        new ClickHouseError({
          message: `burstguard: Authentication failed: password is incorrect (tried ${PASSWORD}). `,
          code: '516',
          type: 'AUTHENTICATION_FAILED',
        }),
    );

    // Act
    const error = await port(client)
      .snapshot(window)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toBe(
      'authentication failed for user burstguard',
    );
  });

  it('throws unreachable when every query times out', async () => {
    // Prepare
    const { client } = fakeClient(() => new Error('Timeout error.'));

    // Act
    const result = port(client, 2_000).snapshot(window);

    // Assess
    await expect(result).rejects.toThrow(
      new SourceUnavailableError(
        'unreachable after 2 s: no query answered at https://clickhouse.internal:8443',
      ),
    );
  });

  it('throws unreachable with the socket error when none connects', async () => {
    // Prepare: some refused, some timed out
    const { client } = fakeClient((name) =>
      name === 'events'
        ? new Error('Timeout error.')
        : Object.assign(new Error('connect ECONNREFUSED 10.0.3.17:8443'), {
            code: 'ECONNREFUSED',
          }),
    );

    // Act
    const result = port(client).snapshot(window);

    // Assess
    await expect(result).rejects.toThrow(
      /^unreachable after [\d.]+ s: connect ECONNREFUSED 10\.0\.3\.17:8443$/,
    );
  });

  it('keeps the password out of reasons', async () => {
    // Prepare
    const { client } = fakeClient((name) =>
      name === 'disks'
        ? new Error(`proxy refused https://burstguard:${PASSWORD}@host/`)
        : [],
    );

    // Act
    const snapshot = await port(client).snapshot(window);

    // Assess
    expect(JSON.stringify(snapshot)).not.toContain(PASSWORD);
    expect(snapshot.results.disks).toEqual({
      ok: false,
      reason: 'proxy refused https://burstguard:***@host/',
    });
  });

  it.each(Array.from({ length: 20 }, (_, k) => k))(
    'leaves no start of a 19-character password cut after %i characters in a reason',
    async (kept) => {
      // Prepare: the reason is cut at 200 characters, `kept` characters
      // into the password the error text quotes.
      const password = 'Tr0ub4dor-and-3more';
      const { client } = fakeClient((name) =>
        name === 'disks'
          ? new Error(`${'x'.repeat(199 - kept)}${password} rest of the text`)
          : [],
      );
      const withPassword = createClickHouseHttpPort({
        url: 'https://clickhouse.internal:8443',
        username: 'burstguard',
        password,
        timeoutMs: 5_000,
        client,
      });

      // Act
      const snapshot = await withPassword.snapshot(window);

      // Assess
      const text = JSON.stringify(snapshot);
      for (let n = 4; n <= password.length; n += 1) {
        expect(text).not.toContain(password.slice(0, n));
      }
    },
  );

  it('refuses a timeout that is not a positive number', () => {
    expect(() =>
      createClickHouseHttpPort({
        url: 'http://localhost:8123',
        username: 'default',
        timeoutMs: 0,
      }),
    ).toThrow(RangeError);
  });
});
