import type { Logger } from '@aws-lambda-powertools/logger';
import { verifyInputSchema } from '../../shared/domain/contracts.ts';
import { parseState, stepHandler } from '../../shared/runtime/step-handler.ts';
import { type VerifyPorts, verifyRemediation } from './core.ts';

/** The Verify step, after the wait that follows a switch. */
export function createVerifyHandler(ports: VerifyPorts, logger?: Logger) {
  return stepHandler({
    serviceName: 'verify',
    logger,
    parse: (event) => parseState(verifyInputSchema, event),
    run: async (state, log) => {
      const out = await verifyRemediation(state, ports);
      log.info('verification', { ...out });
      return out;
    },
  });
}
