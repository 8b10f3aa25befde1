import type { Logger } from '@aws-lambda-powertools/logger';
import { afterOpenSchema } from '../../shared/contracts.ts';
import { collectorHandler } from '../../shared/lambda.ts';
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
