/**
 * The demo's ClickHouse: a real embedded ClickHouse (chDB) with Langfuse's
 * tables under an insert load like the Langfuse worker's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import type { ClickHousePort } from '../shared/domain/ports.ts';
import { createChdbPort } from './clickhouse-chdb.ts';
import {
  createLangfuseTables,
  insertLikeLangfuseWorker,
  stopMerges,
} from './langfuse-schema.ts';

export type DemoClickHouse = {
  port: ClickHousePort;
  /** The chDB session holding Langfuse's tables (the recovery writes there). */
  session: Session;
  version: string;
  insertBatches: number;
  /** What differs from a stock server, said in the demo's output. */
  settings: string;
  close: () => Promise<void>;
};

/**
 * The backlog demo lowers the insert throttles (stock: 1,000 and 3,000
 * parts) so the backlog builds in seconds; the snapshot reads the values
 * the server really uses, so the diagnosis sees the same thresholds.
 */
export const DEMO_PARTS_TO_DELAY_INSERT = 300;
export const DEMO_PARTS_TO_THROW_INSERT = 900;

/**
 * `steady`: a healthy load, merges keeping up. `backlog`: merges stopped and
 * enough small inserts on observations to pass parts_to_delay_insert, so
 * ClickHouse delays inserts as it would on a real backlog.
 */
export async function startDemoClickHouse(
  load: 'steady' | 'backlog',
): Promise<DemoClickHouse> {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-demo-ch-'));
  const config = join(dir, 'config.xml');
  writeFileSync(
    config,
    `<clickhouse><merge_tree><parts_to_delay_insert>${DEMO_PARTS_TO_DELAY_INSERT}</parts_to_delay_insert><parts_to_throw_insert>${DEMO_PARTS_TO_THROW_INSERT}</parts_to_throw_insert></merge_tree></clickhouse>\n`,
  );
  const session = new Session(undefined, {
    connectionArgs: load === 'backlog' ? [`--config-file=${config}`] : [],
  });
  const cleanup = () => {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    createLangfuseTables(session);
    let batches: number;
    if (load === 'backlog') {
      stopMerges(session);
      // Traces and scores first; then observations past
      // parts_to_delay_insert, where ClickHouse starts delaying each insert.
      batches = insertLikeLangfuseWorker(session, {
        batches: 40,
        rowsPerBatch: 50,
        tables: ['traces', 'scores'],
      });
      batches += insertLikeLangfuseWorker(session, {
        batches: DEMO_PARTS_TO_DELAY_INSERT + 10,
        rowsPerBatch: 20,
        tables: ['observations'],
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
      session,
      version,
      insertBatches: batches,
      settings:
        load === 'backlog'
          ? `merges stopped, parts_to_delay_insert=${DEMO_PARTS_TO_DELAY_INSERT} and parts_to_throw_insert=${DEMO_PARTS_TO_THROW_INSERT} (stock: 1000 and 3000) so the backlog builds in seconds`
          : 'stock settings',
      close: async () => cleanup(),
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}
