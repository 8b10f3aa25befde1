/**
 * The weekly advice's buttons at the interactions endpoint, after the
 * signature check. Apply queues the advice in the advisor store; the
 * advisor function, every few minutes, starts a run of the runbook's state
 * machine for it with a manual input that carries the advice, so the
 * allowlist, the policy and its approvers, the 24 h lock and Verify all
 * apply as to any run. The endpoint itself never starts a run: its URL is
 * public, and it keeps only the task-token answer on the state machine.
 * Snooze hides the file system's advice for some weeks. Only the
 * configured approvers may press either; the clicker is told what happened
 * through `response_url`.
 */
import { oneLine } from '../../shared/domain/errors.ts';
import type { AdvisorStore } from '../../shared/domain/ports.ts';
import {
  ADVICE_APPLY_POLL_MINUTES,
  type AdviceClick,
} from '../../shared/domain/slack/advice-actions.ts';

export type AdviceButtonPorts = {
  store: Pick<AdvisorStore, 'snooze' | 'requestApply'>;
};

/** What one advice click did, with the line the clicker is told. */
export type AdviceClickOutcome = {
  outcome:
    | 'queued'
    | 'snoozed'
    | 'forbidden'
    | 'not-allowlisted'
    | 'mode-refused'
    | 'invalid'
    | 'failed';
  detail: string;
  reply: string;
};

/** Answers one advice click (already parsed, signature checked). */
export async function handleAdviceClick(
  click: AdviceClick,
  context: {
    nowSeconds: number;
    /** File systems burstguard may change (the allowlist). */
    remediationAllowed: (fileSystemId: string) => boolean;
  },
  ports: AdviceButtonPorts,
): Promise<AdviceClickOutcome> {
  if (click.kind === 'invalid') {
    return { outcome: 'invalid', detail: click.reason, reply: '' };
  }
  const { value, userId } = click;
  const fs = value.fileSystemId;
  if (!click.allowed) {
    return {
      outcome: 'forbidden',
      detail: `${userId} is not on the approvers list (${click.action} ${fs})`,
      reply:
        'You are not on the burstguard approvers list, so this click changed nothing.',
    };
  }
  const now = new Date(context.nowSeconds * 1000);
  if (click.action === 'snooze') {
    const weeks = value.weeks ?? 1;
    const until = new Date(now.getTime() + weeks * 7 * 86_400_000);
    try {
      await ports.store.snooze({
        fileSystemId: fs,
        until: until.toISOString(),
        by: userId,
        at: now.toISOString(),
      });
    } catch (error) {
      return {
        outcome: 'failed',
        detail: `snooze of ${fs} not stored: ${oneLine(error)}`,
        reply: `The snooze could not be stored (${oneLine(error)}); press the button again.`,
      };
    }
    return {
      outcome: 'snoozed',
      detail: `${fs} snoozed by ${userId} until ${until.toISOString()}`,
      reply: `The throughput advice for ${fs} is snoozed for ${weeks} week${weeks === 1 ? '' : 's'}, until ${until.toISOString().slice(0, 10)}.`,
    };
  }
  // The digest offers Apply only for a switch to Elastic, the one switch
  // the runbook automates (shared/domain/remediations.ts); a value naming
  // another mode was not made by the digest, and nothing is queued for it.
  if (value.mode !== 'elastic') {
    return {
      outcome: 'mode-refused',
      detail: `apply for ${fs} names mode ${value.mode ?? 'none'}; only elastic is applied`,
      reply: `Nothing was queued: Apply only switches a file system to Elastic. A switch to ${value.mode === 'provisioned' ? 'Provisioned' : value.mode === 'bursting' ? 'Bursting' : 'another mode'} is for a person to make (the digest gives the call).`,
    };
  }
  if (!context.remediationAllowed(fs)) {
    return {
      outcome: 'not-allowlisted',
      detail: `${fs} is not on the remediation allowlist`,
      reply: `${fs} is not on burstguard's remediation allowlist (remediationAllowed), so no run was started.`,
    };
  }
  try {
    await ports.store.requestApply({
      fileSystemId: fs,
      mode: 'elastic',
      by: userId,
      at: now.toISOString(),
    });
  } catch (error) {
    return {
      outcome: 'failed',
      detail: `apply for ${fs} not queued: ${oneLine(error)}`,
      reply: `The request could not be stored (${oneLine(error)}); nothing changed. Press the button again.`,
    };
  }
  return {
    outcome: 'queued',
    detail: `switch of ${fs} to Elastic queued by ${userId}`,
    reply: `Queued: within ${ADVICE_APPLY_POLL_MINUTES} minutes burstguard starts a run to switch ${fs} to Elastic; it goes through the usual checks and approval in its own thread.`,
  };
}
