import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/contracts.ts';
import { parseState, stepHandler } from '../../shared/lambda.ts';
import { type CollectEfsPorts, collectEfs } from './core.ts';

/** The CollectEfs step of Gather. */
export function createCollectEfsHandler(
  ports: CollectEfsPorts,
  logger?: Logger,
) {
  return stepHandler({
    serviceName: 'collect-efs',
    logger,
    parse: (event) => parseState(afterOpenSchema, event),
    run: async (state, log) => {
      const evidence = await collectEfs(state.trigger, ports);
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
