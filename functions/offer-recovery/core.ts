/**
 * OfferRecovery: after the counting pass, says what a replay would do and
 * gets the answer. Under policy `approve` it keeps the task token (the
 * state machine waits on `.waitForTaskToken`) and posts "Recover N dropped
 * records: replay M events uploaded between T1 and T2" with Approve and
 * Decline; the Slack interactions function answers the task. Otherwise the
 * policy answers at once: `auto` goes on, `off` and a dry run stop after
 * counting, and so does a window with nothing to replay. When it answers
 * itself while the state machine waits on a token, it sends that answer
 * with SendTaskSuccess too, so the run never waits for nobody.
 */

import { recoveryOfferMessage } from '../../shared/domain/messages/recovery.ts';
import type { ThreadConfig } from '../../shared/domain/messages/thread-context.ts';
import { messageContext } from '../../shared/domain/messages/thread-context.ts';
import type {
  Clock,
  RecoveryStore,
  SlackPort,
  TaskCallbackPort,
} from '../../shared/domain/ports.ts';
import type {
  OfferAnswer,
  OfferRecoveryInput,
} from '../../shared/domain/recovery/steps.ts';
import {
  editProgress,
  progressOf,
} from '../../shared/runtime/recovery-progress.ts';

export type OfferRecoveryPorts = {
  store: Pick<
    RecoveryStore,
    'recoveryCounts' | 'saveRecoveryToken' | 'recoveryMessage'
  >;
  slack?: SlackPort;
  tasks: TaskCallbackPort;
  channel: string;
  clock: Clock;
  /** Who the offer mentions. */
  config?: ThreadConfig;
};

/** The answer, or that a person was asked (the task waits for them). */
export type OfferRecoveryOutput = OfferAnswer & { asked?: boolean };

/** Posts the offer, or answers by policy. */
export async function offerRecovery(
  input: OfferRecoveryInput,
  ports: OfferRecoveryPorts,
): Promise<OfferRecoveryOutput> {
  const { plan } = input;
  const at = ports.clock.now().toISOString();
  const tally = await ports.store.recoveryCounts({
    runId: plan.runId,
    phase: 'count',
  });
  // The counting pass is over: its totals, shown at once.
  const message = await ports.store.recoveryMessage(plan.runId);
  if (message) {
    await editProgress(
      ports.slack,
      message,
      progressOf(plan.runId, message, 'count', tally, at),
    );
  }
  const events = tally.counters.inWindow;
  const answer: OfferAnswer | undefined =
    events === 0
      ? { approved: false, by: 'burstguard', reason: 'nothing-to-replay' }
      : plan.dryRun
        ? { approved: false, by: 'burstguard', reason: 'dry-run' }
        : plan.policy === 'off'
          ? { approved: false, by: 'policy off', reason: 'policy-off' }
          : plan.policy === 'auto'
            ? { approved: true, by: 'policy auto', reason: 'auto' }
            : undefined;
  const thread = plan.thread;
  const post = async () =>
    ports.slack?.postMessage(
      recoveryOfferMessage(
        {
          runId: plan.runId,
          fileSystemId: plan.fileSystemId,
          window: plan.window,
          events,
          ...(plan.droppedRecords !== undefined
            ? { droppedRecords: plan.droppedRecords }
            : {}),
          unsupported: tally.counters.unsupported,
          policy: plan.policy,
          dryRun: plan.dryRun,
        },
        thread?.channel ?? ports.channel,
        thread?.ts,
        messageContext(ports.config, plan.fileSystemId),
      ),
    );
  if (answer) {
    if (answer.reason !== 'nothing-to-replay') await post();
    if (input.taskToken) {
      await ports.tasks.sendTaskSuccess({
        taskToken: input.taskToken,
        output: JSON.stringify(answer),
      });
    }
    return answer;
  }
  if (!input.taskToken) {
    // Asked for approval without a token to answer: nobody could approve.
    return { approved: false, by: 'burstguard', asked: false };
  }
  // The token first: a click on the offer must find it.
  await ports.store.saveRecoveryToken({
    runId: plan.runId,
    taskToken: input.taskToken,
    at,
  });
  await post();
  return { approved: false, asked: true };
}
