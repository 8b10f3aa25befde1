import { notifyInputSchema } from '../../shared/domain/contracts.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { notify } from './core.ts';

/** The Notify, NotifyOutcome and NotifyResolved steps. */
export const createNotifyHandler = defineStep('notify', {
  schema: notifyInputSchema,
  run: notify,
  log: (log, out, input) => {
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
  },
});
