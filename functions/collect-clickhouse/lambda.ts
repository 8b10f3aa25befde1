import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { collectorHandler } from '../../shared/runtime/step-handler.ts';
import { type CollectClickHousePorts, collectClickHouse } from './core.ts';

/** The CollectClickHouse step of Gather. */
export function createCollectClickHouseHandler(
  ports: CollectClickHousePorts,
  logger?: Logger,
) {
  return collectorHandler({
    serviceName: 'collect-clickhouse',
    logger,
    schema: afterOpenSchema,
    collect: collectClickHouse,
    ports,
  });
}
