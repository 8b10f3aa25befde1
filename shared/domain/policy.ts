/**
 * Remediation policy per run. The configuration sets each file system's
 * policy; a run's input (a manual start, an alarm's tag) may ask for less
 * (auto -> approve -> off), never more: whoever may start an execution must
 * not be able to skip the approver the configuration asks for.
 */
import type { Decision, Policy, Trigger } from './contracts.ts';

/** From least to most automated. */
export const POLICY_ORDER: readonly Policy[] = ['off', 'approve', 'auto'];

/** The alarm tag that asks for a lower policy for the runs it starts. */
export const POLICY_TAG = 'burstguard:policy';

/** Who asked for a policy other than the configured one. */
export type PolicyRequester = 'run-input' | 'alarm-tag';

/** Who asked, as the subject of "asked for". */
const ASKER: Record<PolicyRequester, string> = {
  'run-input': 'the run',
  'alarm-tag': `the alarm's ${POLICY_TAG} tag`,
};

/** Who asked, after "lowered ... by". */
const LOWERED_BY: Record<PolicyRequester, string> = {
  'run-input': "the run's input",
  'alarm-tag': `the alarm's ${POLICY_TAG} tag`,
};

/** The lower of two policies. */
export function lowerOf(a: Policy, b: Policy): Policy {
  return POLICY_ORDER.indexOf(a) <= POLICY_ORDER.indexOf(b) ? a : b;
}

/**
 * The policy a run acts under: the configured one, or what the run asked
 * for when that is lower. A request for more is ignored, and said.
 */
export function effectivePolicy(
  configured: Policy,
  requested: Policy | undefined,
): Policy {
  return requested === undefined ? configured : lowerOf(configured, requested);
}

/**
 * One line for the thread and `--json`: the policy in force, where it came
 * from, and what the run asked for.
 */
export function policyStatement(
  configured: Policy,
  requested: Policy | undefined,
  requestedBy: PolicyRequester = 'run-input',
): string {
  const effective = effectivePolicy(configured, requested);
  if (requested === undefined || requested === configured) {
    return `policy: ${configured} (configured)`;
  }
  if (effective === configured) {
    return `policy: ${configured} (configured); ${ASKER[requestedBy]} asked for ${requested}, which can only lower it`;
  }
  return `policy: ${effective} (configured ${configured}), lowered to ${effective} by ${LOWERED_BY[requestedBy]}`;
}

/**
 * The policy of a run and who asked for what. The configuration is the
 * authority: a trigger's policy above the configured one (an input that
 * skipped Normalize, a configuration lowered since) counts as a request,
 * and a request can only lower it. A file system missing from the
 * configuration (`configured` undefined) is never changed: off.
 */
export function policyOfRun(
  trigger: Pick<Trigger, 'policy' | 'requestedPolicy' | 'policyRequestedBy'>,
  configured: Policy | undefined,
): NonNullable<Decision['policy']> {
  const base = configured ?? 'off';
  const requested =
    trigger.requestedPolicy ??
    (trigger.policy !== base ? trigger.policy : undefined);
  const effective = lowerOf(effectivePolicy(base, requested), trigger.policy);
  const requestedBy =
    requested === undefined
      ? undefined
      : (trigger.policyRequestedBy ?? 'run-input');
  return {
    configured: base,
    ...(requested ? { requested } : {}),
    ...(requestedBy ? { requestedBy } : {}),
    effective,
    statement: policyStatement(base, requested, requestedBy),
  };
}
