import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { collectorHandler } from '../../shared/runtime/step-handler.ts';
import { type CollectEfsPorts, collectEfs } from './core.ts';

/** The CollectEfs step of Gather. */
export function createCollectEfsHandler(
  ports: CollectEfsPorts,
  logger?: Logger,
) {
  return collectorHandler({
    serviceName: 'collect-efs',
    logger,
    schema: afterOpenSchema,
    collect: collectEfs,
    ports,
  });
}
