import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { defineCollector } from '../../shared/runtime/step-handler.ts';
import { collectClickHouse } from './core.ts';

/** The CollectClickHouse step of Gather. */
export const createCollectClickHouseHandler = defineCollector(
  'collect-clickhouse',
  afterOpenSchema,
  collectClickHouse,
);
