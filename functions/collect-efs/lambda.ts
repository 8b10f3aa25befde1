import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { defineCollector } from '../../shared/runtime/step-handler.ts';
import { collectEfs } from './core.ts';

/** The CollectEfs step of Gather. */
export const createCollectEfsHandler = defineCollector(
  'collect-efs',
  afterOpenSchema,
  collectEfs,
);
