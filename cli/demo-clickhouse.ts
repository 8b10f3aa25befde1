/**
 * The demo's ClickHouse: a real embedded ClickHouse (chDB) with Langfuse's
 * tables under an insert load like the Langfuse worker's.
 */
import { Session } from 'chdb';
import { createChdbPort } from '../shared/adapters/clickhouse-chdb.ts';
import {
  createLangfuseTables,
  insertLikeLangfuseWorker,
  stopMerges,
} from '../shared/clickhouse/langfuse-schema.ts';
import type { ClickHousePort } from '../shared/ports.ts';

export type DemoClickHouse = {
  port: ClickHousePort;
  version: string;
  insertBatches: number;
  close: () => Promise<void>;
};

/**
 * `steady`: a healthy load, merges keeping up. `backlog`: merges stopped and
 * enough small inserts on observations to pass parts_to_delay_insert (1000),
 * so ClickHouse delays inserts as it would on a real backlog.
 */
export async function startDemoClickHouse(
  load: 'steady' | 'backlog',
): Promise<DemoClickHouse> {
  const session = new Session();
  try {
    createLangfuseTables(session);
    let batches: number;
    if (load === 'backlog') {
      stopMerges(session);
      batches = insertLikeLangfuseWorker(session, {
        batches: 1020,
        rowsPerBatch: 20,
        tables: ['observations'],
      });
      batches += insertLikeLangfuseWorker(session, {
        batches: 40,
        rowsPerBatch: 50,
      });
    } else {
      batches = insertLikeLangfuseWorker(session, {
        batches: 40,
        rowsPerBatch: 200,
      });
    }
    const version = session.query('SELECT version()', 'TSV').trim();
    return {
      port: createChdbPort(session),
      version,
      insertBatches: batches,
      close: async () => session.close(),
    };
  } catch (error) {
    session.close();
    throw error;
  }
}
