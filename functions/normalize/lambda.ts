import type { Logger } from '@aws-lambda-powertools/logger';
import { stepHandler } from '../../shared/runtime/step-handler.ts';
import { type NormalizePorts, normalizeTrigger } from './core.ts';

/** The Normalize step: any trigger in, one Trigger out. */
export function createNormalizeHandler(ports: NormalizePorts, logger?: Logger) {
  return stepHandler({
    serviceName: 'normalize',
    logger,
    parse: (event) => event,
    run: async (raw, log) => {
      const trigger = normalizeTrigger(raw, ports);
      log.info('trigger normalized', {
        fileSystemId: trigger.fileSystemId,
        kind: trigger.kind,
        state: trigger.state,
        alarmName: trigger.alarmName,
      });
      return trigger;
    },
  });
}
