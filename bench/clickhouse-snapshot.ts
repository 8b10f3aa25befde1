/**
 * The ClickHouse snapshot against a Langfuse-shaped database with 5,000
 * active parts (merges stopped, small inserts as the Langfuse worker makes
 * them), in embedded chDB: time per snapshot and rows read.
 */
import { Session } from 'chdb';
import { createChdbPort } from '../shared/adapters/clickhouse-chdb.ts';
import {
  createLangfuseTables,
  insertLikeLangfuseWorker,
  stopMerges,
} from '../shared/clickhouse/langfuse-schema.ts';
import { type Figure, median } from './figures.ts';

const PARTS = 5_000;
const RUNS = 7;

export async function benchClickHouseSnapshot(): Promise<Figure[]> {
  const session = new Session();
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
    const active = Number(
      session
        .query(
          'SELECT count() FROM system.parts WHERE active AND database = currentDatabase()',
          'TSV',
        )
        .trim(),
    );
    const port = createChdbPort(session);
    const window = {
      start: new Date(Date.now() - 3 * 3600_000),
      end: new Date(),
    };
    await port.snapshot(window);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = port.rowsRead();
      const t = performance.now();
      await port.snapshot(window);
      times.push(performance.now() - t);
      rows = port.rowsRead() - before;
    }
    return [
      {
        figure: `ClickHouse snapshot, ${active} active parts, chDB (median of ${RUNS})`,
        value: Math.round(median(times) * 10) / 10,
        unit: 'ms',
        budget: '<= 200 ms',
      },
      {
        figure: 'ClickHouse snapshot rows read (system tables only)',
        value: rows,
        unit: 'rows',
        budget: 'bounded',
      },
    ];
  } finally {
    session.close();
  }
}
