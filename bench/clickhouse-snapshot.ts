/**
 * The ClickHouse snapshot against a Langfuse-shaped database with 5,000
 * active parts (merges stopped, small inserts as the Langfuse worker makes
 * them), in embedded chDB: time per snapshot, rows it returns, and that it
 * reads system tables only.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { createChdbPort } from '../shared/adapters/clickhouse-chdb.ts';
import {
  activeParts,
  createLangfuseTables,
  insertLikeLangfuseWorker,
  stopMerges,
} from '../shared/clickhouse/langfuse-schema.ts';
import { SNAPSHOT_QUERIES } from '../shared/clickhouse/queries.ts';
import { SNAPSHOT_QUERY_NAMES } from '../shared/ports.ts';
import { type Figure, median } from './figures.ts';

const PARTS = 5_000;
const RUNS = 7;

/**
 * Writing 5,000 parts costs about 10 ms each on this machine's disk and a
 * third of that in memory; the figure is the snapshot, not the writes, so
 * the database goes on tmpfs when there is one.
 */
function scratchDir(): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(base, 'burstguard-bench-'));
}

/** Tables the snapshot queries read from, from their text. */
function tablesRead(): string[] {
  const tables = new Set<string>();
  for (const name of SNAPSHOT_QUERY_NAMES) {
    for (const match of SNAPSHOT_QUERIES[name].matchAll(/\bFROM\s+([\w.]+)/gi))
      if (match[1]) tables.add(match[1]);
  }
  return [...tables];
}

/** Median snapshot time and rows returned at 5,000 active parts. */
export async function benchClickHouseSnapshot(): Promise<Figure[]> {
  const dir = scratchDir();
  const session = new Session(join(dir, 'db'));
  try {
    // Let parts pile up past the insert throttles, as a backlog would.
    createLangfuseTables(session, {
      parts_to_delay_insert: 100_000,
      parts_to_throw_insert: 100_000,
      max_parts_in_total: 100_000,
    });
    stopMerges(session);
    insertLikeLangfuseWorker(session, {
      batches: PARTS / 5,
      rowsPerBatch: 10,
      tables: ['observations', 'traces', 'scores', 'observations', 'traces'],
    });
    const active = activeParts(session);
    const port = createChdbPort(session);
    const window = {
      start: new Date(Date.now() - 3 * 3600_000),
      end: new Date(),
    };
    await port.snapshot(window);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const snapshot = await port.snapshot(window);
      times.push(performance.now() - started);
      rows = 0;
      for (const result of Object.values(snapshot.results)) {
        if (result?.ok) rows += result.rows.length;
      }
    }
    const nonSystem = tablesRead().filter((t) => !t.startsWith('system.'));
    return [
      {
        figure: `ClickHouse snapshot, ${active} active parts, chDB (median of ${RUNS})`,
        value: Math.round(median(times) * 10) / 10,
        unit: 'ms',
        budget: '<= 200 ms',
      },
      {
        figure: 'ClickHouse snapshot rows returned (every query has a LIMIT)',
        value: rows,
        unit: 'rows',
        budget: 'bounded',
      },
      {
        figure: 'ClickHouse snapshot tables read outside system.*',
        value: nonSystem.length,
        unit: '',
        budget: '<= 0',
      },
    ];
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
