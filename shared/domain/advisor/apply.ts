/**
 * A run started by the weekly advice's Apply button carries the advice
 * (the manual input's `advice`): the switch it asks for becomes the run's
 * recommendation, whatever this window's verdict, so the run goes on to
 * the usual gate, the policy's approval, the 24 h lock and Verify. Apply
 * exists for the switch to Elastic only, the one switch the runbook
 * automates (shared/domain/remediations.ts): advice naming another mode is
 * refused here, never replaced by the window's own recommendation.
 * Provisioned stays for a person (its call is named with the advised
 * size, an action the runbook never automates); Bursting changes nothing.
 */
import type { Recommendation, Trigger } from '../contracts.ts';
import {
  EFS_WAIT_AFTER_ELASTIC,
  EFS_WAIT_AFTER_PROVISIONED,
  OWN_CAP,
} from '../efs-rules.ts';

/** The recommendation of a run, with the advice it was started for. */
export function withAdvice(
  trigger: Trigger,
  recommendation: Recommendation,
): Recommendation {
  const advice = trigger.advice;
  if (!advice) return recommendation;
  const fs = trigger.fileSystemId;
  const asked = `the weekly advice, applied by ${advice.requestedBy}`;
  const pressed = `the weekly advice (Apply pressed by ${advice.requestedBy})`;
  const refused =
    'burstguard applies only the switch to Elastic from the weekly advice';
  if (advice.mode === 'bursting') {
    return {
      ...recommendation,
      action: 'none',
      summary: `${pressed} asks to switch ${fs} to Bursting: refused, ${refused}; this run changes nothing`,
      caveats: [...new Set([...recommendation.caveats, refused])],
    };
  }
  if (advice.mode === 'elastic') {
    return {
      ...recommendation,
      action: 'switch-to-elastic',
      summary: `${asked}: switch ${fs} to Elastic throughput: no downtime, pay per GB moved`,
      caveats: [
        ...new Set([
          ...recommendation.caveats,
          EFS_WAIT_AFTER_ELASTIC,
          OWN_CAP,
        ]),
      ],
    };
  }
  const mibps = advice.provisionedMibps;
  return {
    ...recommendation,
    action: 'increase-provisioned-throughput',
    summary: `${pressed} asks to switch ${fs} to Provisioned: not applied, ${refused}; for a person to run: Provisioned throughput${mibps ? ` ${mibps} MiB/s` : ''} (aws efs update-file-system --file-system-id ${fs} --throughput-mode provisioned${mibps ? ` --provisioned-throughput-in-mibps ${mibps}` : ''})`,
    caveats: [
      ...new Set([
        ...recommendation.caveats,
        refused,
        EFS_WAIT_AFTER_PROVISIONED,
      ]),
    ],
  };
}
