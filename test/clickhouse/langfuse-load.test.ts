/**
 * The chDB Langfuse load inserts as the Langfuse worker does: every insert
 * with `async_insert: 1, wait_for_async_insert: 1`, the settings Langfuse's
 * ClickHouse client sets on every query (langfuse/langfuse
 * packages/shared/src/server/clickhouse/client.ts). chDB accepts them and
 * writes each insert at once: it has no asynchronous insert queue, so
 * system.events counts InsertQuery and never AsyncInsertQuery (ClickHouse
 * docs, "Asynchronous inserts": the queue and its AsyncInsertQuery event
 * belong to the server). The snapshot then reads the loaded tables' parts.
 */
import { Session } from 'chdb';
import { afterEach, describe, expect, it } from 'vitest';
import { createChdbPort } from '../../local/clickhouse-chdb.ts';
import {
  createLangfuseTables,
  insertLikeLangfuseWorker,
  stopMerges,
} from '../../local/langfuse-schema.ts';

/** What Langfuse's client.ts sets, written out from that file. */
const LANGFUSE_CLIENT_SETTINGS = {
  async_insert: '1',
  wait_for_async_insert: '1',
};

const sessions: Session[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

function events(session: Session): Record<string, number> {
  const out: Record<string, number> = {};
  const text = session.query(
    "SELECT event, value FROM system.events WHERE event IN ('InsertQuery', 'AsyncInsertQuery')",
    'JSONEachRow',
  );
  for (const line of text.split('\n').filter(Boolean)) {
    const row = JSON.parse(line) as { event: string; value: string };
    out[row.event] = Number(row.value);
  }
  return out;
}

/** The SETTINGS of an INSERT's text, as name -> value. */
function settingsOf(sql: string): Record<string, string> {
  const match = /\bSETTINGS\s+(.+?)\s+(SELECT|FORMAT|VALUES)\b/s.exec(sql);
  const out: Record<string, string> = {};
  for (const pair of match?.[1]?.split(',') ?? []) {
    const [name, value] = pair.split('=').map((s) => s.trim());
    if (name && value !== undefined) out[name] = value;
  }
  return out;
}

describe('the chDB Langfuse load', () => {
  it("inserts with Langfuse's settings, which chDB writes synchronously, a part per insert", () => {
    // Prepare
    const session = new Session();
    sessions.push(session);
    createLangfuseTables(session);
    stopMerges(session);
    const inserts: string[] = [];
    const recorder = new Proxy(session, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name !== 'query') return value;
        return (sql: string, format?: string) => {
          if (/^\s*INSERT/i.test(sql)) inserts.push(sql);
          return target.query(sql, format);
        };
      },
    });
    const before = events(session);

    // Act
    insertLikeLangfuseWorker(recorder, { batches: 2, rowsPerBatch: 10 });

    // Assess
    expect(inserts).toHaveLength(6);
    for (const sql of inserts) {
      expect(settingsOf(sql)).toEqual(LANGFUSE_CLIENT_SETTINGS);
    }
    const after = events(session);
    expect((after.InsertQuery ?? 0) - (before.InsertQuery ?? 0)).toBe(6);
    expect(after.AsyncInsertQuery ?? 0).toBe(0);
    const parts = session
      .query(
        'SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table ORDER BY table',
        'CSV',
      )
      .trim();
    expect(parts).toBe('"observations",2,20\n"scores",2,20\n"traces",2,20');
  });

  it('gives the snapshot the parts of every loaded table', async () => {
    // Prepare
    const session = new Session();
    sessions.push(session);
    createLangfuseTables(session);
    stopMerges(session);
    insertLikeLangfuseWorker(session, { batches: 3, rowsPerBatch: 5 });
    const now = new Date();

    // Act
    const snapshot = await createChdbPort(session).snapshot({
      start: new Date(now.getTime() - 3600_000),
      end: new Date(now.getTime() + 60_000),
    });

    // Assess: three parts in each table's one partition.
    const parts = snapshot.results.parts;
    expect(parts?.ok).toBe(true);
    const rows = (parts?.ok ? parts.rows : []) as {
      table: string;
      parts: number | string;
    }[];
    const langfuse = rows
      .filter((r) => ['traces', 'observations', 'scores'].includes(r.table))
      .map((r) => [r.table, Number(r.parts)])
      .sort();
    expect(langfuse).toEqual([
      ['observations', 3],
      ['scores', 3],
      ['traces', 3],
    ]);
  });
});
