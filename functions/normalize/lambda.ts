import { defineEventStep } from '../../shared/runtime/step-handler.ts';
import { normalizeTrigger } from './core.ts';

/** The Normalize step: any trigger in, one Trigger out. */
export const createNormalizeHandler = defineEventStep('normalize', {
  run: normalizeTrigger,
  log: (log, trigger) =>
    log.info('trigger normalized', {
      fileSystemId: trigger.fileSystemId,
      kind: trigger.kind,
      state: trigger.state,
      alarmName: trigger.alarmName,
    }),
});
