/**
 * The weekly advice's buttons at the interactions endpoint, after the
 * signature check: Apply starts a run of the runbook's state machine with
 * a manual input that carries the advice, so the allowlist, the policy and
 * its approvers, the 24 h lock and Verify all apply as to any run; Snooze
 * hides the file system's advice for some weeks (the advisor store). Only
 * the configured approvers may press either. The clicker is told what
 * happened through `response_url`.
 */
import { oneLine } from '../../shared/domain/errors.ts';
import type { AdvisorStore } from '../../shared/domain/ports.ts';
import type { AdviceClick } from '../../shared/domain/slack/advice-actions.ts';

/** StartExecution on the runbook's state machine. */
export type ExecutionStarter = {
  startExecution(input: {
    name: string;
    input: string;
  }): Promise<{ executionArn: string }>;
};

export type AdviceButtonPorts = {
  store: Pick<AdvisorStore, 'snooze'>;
  executions: ExecutionStarter;
};

/** What one advice click did, with the line the clicker is told. */
export type AdviceClickOutcome = {
  outcome:
    | 'started'
    | 'snoozed'
    | 'forbidden'
    | 'not-allowlisted'
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
  if (!context.remediationAllowed(fs)) {
    return {
      outcome: 'not-allowlisted',
      detail: `${fs} is not on the remediation allowlist`,
      reply: `${fs} is not on burstguard's remediation allowlist (remediationAllowed), so no run was started.`,
    };
  }
  const advice = {
    mode: value.mode ?? 'elastic',
    ...(value.provisionedMibps
      ? { provisionedMibps: value.provisionedMibps }
      : {}),
    requestedBy: userId,
  };
  const target =
    advice.mode === 'provisioned'
      ? `Provisioned ${advice.provisionedMibps ?? '?'} MiB/s`
      : advice.mode === 'elastic'
        ? 'Elastic'
        : 'Bursting';
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  try {
    const started = await ports.executions.startExecution({
      // Execution names: at most 80 letters, digits, - and _ (Step
      // Functions API reference, StartExecution `name`).
      name: `advice-${fs}-${stamp}`.slice(0, 80),
      input: JSON.stringify({
        fileSystemId: fs,
        note: `weekly advice: switch to ${target}, asked by ${userId}`,
        advice,
      }),
    });
    return {
      outcome: 'started',
      detail: `run ${started.executionArn} for ${fs} (${target}) by ${userId}`,
      reply: `Started a burstguard run to switch ${fs} to ${target}: it goes through the usual checks and approval in its own thread.`,
    };
  } catch (error) {
    return {
      outcome: 'failed',
      detail: `StartExecution for ${fs} failed: ${oneLine(error)}`,
      reply: `The run could not be started (${oneLine(error)}); nothing changed.`,
    };
  }
}
