/**
 * The ClickHouse snapshot against a Langfuse-shaped database with 5,000
 * active parts (merges stopped, small inserts as the Langfuse worker makes
 * them), in embedded chDB: time per snapshot and rows it returns. chDB has
 * no system.part_log or system.asynchronous_metrics, so those two queries
 * fail here and are not in the time; the figure says how many answered.
 * The transport is timed against a real server (bench/clickhouse-http.ts).
 * That the snapshot reads system tables only is a test
 * (test/clickhouse/tables-read.test.ts), not a figure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { createChdbPort } from '../local/clickhouse-chdb.ts';
import {
  activeParts,
  createLangfuseTables,
  insertLikeLangfuseWorker,
  stopMerges,
} from '../local/langfuse-schema.ts';
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
    let answered = 0;
    let asked = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const snapshot = await port.snapshot(window);
      times.push(performance.now() - started);
      rows = 0;
      answered = 0;
      asked = 0;
      for (const result of Object.values(snapshot.results)) {
        asked++;
        if (result?.ok) {
          answered++;
          rows += result.rows.length;
        }
      }
    }
    return [
      {
        figure: `ClickHouse snapshot SQL, ${active} active parts, chDB in process, ${answered} of ${asked} queries (no part_log, asynchronous_metrics in chDB) (median of ${RUNS})`,
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
    ];
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
