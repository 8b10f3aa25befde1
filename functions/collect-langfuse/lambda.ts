import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/contracts.ts';
import { parseState, stepHandler } from '../../shared/lambda.ts';
import { type CollectLangfusePorts, collectLangfuse } from './core.ts';

/** The CollectLangfuse step of Gather. */
export function createCollectLangfuseHandler(
  ports: CollectLangfusePorts,
  logger?: Logger,
) {
  return stepHandler({
    serviceName: 'collect-langfuse',
    logger,
    parse: (event) => parseState(afterOpenSchema, event),
    run: async (state, log) => {
      const evidence = await collectLangfuse(state.trigger, ports);
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
