import type { Logger } from '@aws-lambda-powertools/logger';
import { remediateInputSchema } from '../../shared/domain/contracts.ts';
import { parseState, stepHandler } from '../../shared/runtime/step-handler.ts';
import { type RemediatePorts, remediate } from './core.ts';

/** The Remediate step. */
export function createRemediateHandler(ports: RemediatePorts, logger?: Logger) {
  return stepHandler({
    serviceName: 'remediate',
    logger,
    parse: (event) => parseState(remediateInputSchema, event),
    run: async (state, log) => {
      const out = await remediate(state, ports);
      log.info('remediation', { ...out });
      return out;
    },
  });
}
