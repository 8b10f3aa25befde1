import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/contracts.ts';
import { parseState, stepHandler } from '../../shared/lambda.ts';
import { type CollectClickHousePorts, collectClickHouse } from './core.ts';

/** The CollectClickHouse step of Gather. */
export function createCollectClickHouseHandler(
  ports: CollectClickHousePorts,
  logger?: Logger,
) {
  return stepHandler({
    serviceName: 'collect-clickhouse',
    logger,
    parse: (event) => parseState(afterOpenSchema, event),
    run: async (state, log) => {
      const evidence = await collectClickHouse(state.trigger, ports);
      if (evidence.available) {
        log.info('evidence collected', { source: evidence.source });
      } else {
        log.warn('source unavailable', {
          source: evidence.source,
          reason: evidence.reason,
        });
      }
      return evidence;
    },
  });
}
