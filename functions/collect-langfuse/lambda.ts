import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { collectorHandler } from '../../shared/runtime/step-handler.ts';
import { type CollectLangfusePorts, collectLangfuse } from './core.ts';

/** The CollectLangfuse step of Gather. */
export function createCollectLangfuseHandler(
  ports: CollectLangfusePorts,
  logger?: Logger,
) {
  return collectorHandler({
    serviceName: 'collect-langfuse',
    logger,
    schema: afterOpenSchema,
    collect: collectLangfuse,
    ports,
  });
}
