import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { defineCollector } from '../../shared/runtime/step-handler.ts';
import { collectLangfuse } from './core.ts';

/** The CollectLangfuse step of Gather. */
export const createCollectLangfuseHandler = defineCollector(
  'collect-langfuse',
  afterOpenSchema,
  collectLangfuse,
);
