import type { Logger } from '@aws-lambda-powertools/logger';
import { notifyInputSchema } from '../../shared/domain/contracts.ts';
import { parseState, stepHandler } from '../../shared/runtime/step-handler.ts';
import { type NotifyPorts, notify } from './core.ts';

/** The Notify, NotifyOutcome and NotifyResolved steps. */
export function createNotifyHandler(ports: NotifyPorts, logger?: Logger) {
  return stepHandler({
    serviceName: 'notify',
    logger,
    parse: (event) => parseState(notifyInputSchema, event),
    run: async (input, log) => {
      const out = await notify(input, ports);
      if (out.delivered) {
        log.info('posted to Slack', { kind: input.kind, channel: out.channel });
      } else {
        // Slack is down: the message is logged whole so nothing is lost.
        log.error('Slack delivery failed; the message is kept here', {
          kind: input.kind,
          error: out.error,
          text: out.messages[0]?.text,
        });
      }
      return out;
    },
  });
}
