/**
 * Remediate: switch the file system to Elastic throughput, safely. Only
 * allowlisted General Purpose file systems (EFS offers Elastic only with
 * General Purpose performance mode), only when `available`, a no-op when
 * already Elastic, at most one change per file system per 24 h (burstguard's
 * own limit), and a TooManyRequests answer is read for its "Wait until ...
 * UTC" time, never retried blindly. Nothing else is automated.
 */
import * as z from 'zod';
import { type AppConfig, findFileSystem } from '../../shared/config.ts';
import { afterNotifySchema, type Remediation } from '../../shared/contracts.ts';
import {
  elasticAllowed,
  MAX_IO_NO_ELASTIC,
  OWN_CAP,
} from '../../shared/efs-rules.ts';
import { oneLine } from '../../shared/errors.ts';
import { policyOfRun } from '../../shared/policy.ts';
import type { Clock, EfsPort, IncidentStore } from '../../shared/ports.ts';

export type RemediatePorts = {
  efs: EfsPort;
  store: IncidentStore;
  clock: Clock;
  config: AppConfig;
};

export const remediateInputSchema = afterNotifySchema.extend({
  approval: z
    .object({ approved: z.boolean(), by: z.string().optional() })
    .optional(),
  approvalError: z
    .object({ Error: z.string(), Cause: z.string().optional() })
    .optional(),
});
export type RemediateInput = z.infer<typeof remediateInputSchema>;

/**
 * burstguard's own limit: one change per file system per 24 h, recorded in
 * the incident store. Stricter than the current EFS user guide, which puts
 * the 24 h wait only after a switch to Provisioned or an increase of it;
 * older re:Post knowledge-center text puts it after any mode change.
 */
export const MODE_CHANGE_LOCK_MS = 24 * 3600_000;

/**
 * Reads the time from EFS's TooManyRequests message, if it has one: "You
 * have reached the maximum number of throughput mode changes or provisioned
 * throughput value decreases. Wait until YYYY-MM-DDTHH:MM:SSZ UTC and try
 * again." (re:Post knowledge center, "efs-max-throughput-mode-changes").
 * That time, not a 24 h count of ours, says when EFS allows a change.
 */
export function waitUntilFrom(message: string): string | undefined {
  const match = /Wait until (\d{4}-\d{2}-\d{2})[T ]([0-9:.]+)/.exec(message);
  if (!match?.[1] || !match[2]) return undefined;
  const text = `${match[1]}T${match[2]}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? 'Error';
}

/** Applies (or refuses, or prints) the switch to Elastic. */
export async function remediate(
  input: RemediateInput,
  ports: RemediatePorts,
): Promise<Remediation> {
  const { trigger, result } = input;
  const action = result.recommendation.action;
  const at = ports.clock.now().toISOString();
  const base = { action, at };
  const call = {
    FileSystemId: trigger.fileSystemId,
    ThroughputMode: 'elastic' as const,
  };
  if (action === 'increase-provisioned-throughput') {
    // The decision never routes here; refuse if something does anyway.
    return {
      ...base,
      status: 'refused',
      reason:
        'increase-provisioned-throughput is never automated: the size is an estimate for a person to confirm, and EFS then holds the mode for 24 h',
    };
  }
  if (action !== 'switch-to-elastic') {
    return {
      ...base,
      status: 'not-attempted',
      reason: `${action} is not automated`,
    };
  }
  if (trigger.policy === 'off') {
    return { ...base, status: 'not-attempted', reason: 'policy is off' };
  }
  const fsConfig = findFileSystem(ports.config, trigger.fileSystemId);
  if (!fsConfig?.remediationAllowed) {
    return {
      ...base,
      status: 'refused',
      reason: `${trigger.fileSystemId} is not on the remediation allowlist`,
    };
  }
  let approvedBy: string | undefined;
  // No approver needed only when the configured policy is auto, the run
  // did not lower it, and Diagnose sent the run straight here: under the
  // confidence floor or with contradicting sources, auto asks a person too.
  const actsAlone =
    policyOfRun(trigger, fsConfig.policy).effective === 'auto' &&
    result.decision.next === 'remediate';
  if (!trigger.dryRun && !actsAlone) {
    if (input.approvalError) {
      const timedOut = input.approvalError.Error === 'States.Timeout';
      return {
        ...base,
        status: 'not-attempted',
        reason: timedOut
          ? 'nobody approved within 1 h'
          : `approval failed: ${input.approvalError.Error}`,
      };
    }
    if (!input.approval?.approved) {
      return {
        ...base,
        status: 'refused',
        reason: input.approval?.by
          ? `declined by ${input.approval.by}`
          : 'not approved',
      };
    }
    approvedBy = input.approval.by;
    const approvers = ports.config.approvers;
    if (approvers.length && (!approvedBy || !approvers.includes(approvedBy))) {
      return {
        ...base,
        status: 'refused',
        reason: `${approvedBy ?? 'an unknown user'} is not on the approvers list`,
      };
    }
  }

  let described: Awaited<ReturnType<EfsPort['describeFileSystem']>>;
  try {
    described = await ports.efs.describeFileSystem(trigger.fileSystemId);
  } catch (error) {
    return { ...base, status: 'failed', reason: oneLine(error) };
  }
  if (described.ThroughputMode === 'elastic') {
    return {
      ...base,
      status: 'already-done',
      reason: 'already in Elastic mode',
    };
  }
  if (!elasticAllowed(described.PerformanceMode)) {
    return {
      ...base,
      status: 'refused',
      reason: `${trigger.fileSystemId} is Max I/O: ${MAX_IO_NO_ELASTIC}`,
    };
  }
  if (described.LifeCycleState !== 'available') {
    return {
      ...base,
      status: 'refused',
      reason: `LifeCycleState is ${described.LifeCycleState}; a change needs available`,
    };
  }
  const last = await ports.store.lastModeChange(trigger.fileSystemId);
  if (last && Date.parse(at) - Date.parse(last) < MODE_CHANGE_LOCK_MS) {
    const retryAfter = new Date(
      Date.parse(last) + MODE_CHANGE_LOCK_MS,
    ).toISOString();
    return {
      ...base,
      status: 'locked',
      reason: `burstguard changed this file system at ${last}; ${OWN_CAP}. EFS itself may allow a change sooner`,
      retryAfter,
      lockedBy: 'burstguard',
    };
  }
  if (trigger.dryRun) {
    return {
      ...base,
      status: 'dry-run',
      reason: 'dry run: nothing was changed',
      call,
      ...(approvedBy ? { approvedBy } : {}),
    };
  }
  try {
    await ports.efs.updateFileSystem(call);
  } catch (error) {
    const name = errorName(error);
    const message = oneLine(error);
    if (name === 'TooManyRequests') {
      const retryAfter = waitUntilFrom(message);
      return {
        ...base,
        status: 'locked',
        reason: `EFS refused (TooManyRequests): ${message}`,
        call,
        ...(retryAfter ? { retryAfter } : {}),
        lockedBy: 'efs',
      };
    }
    if (name === 'IncorrectFileSystemLifeCycleState') {
      return {
        ...base,
        status: 'refused',
        reason: `EFS refused: ${message}`,
        call,
      };
    }
    return { ...base, status: 'failed', reason: `${name}: ${message}`, call };
  }
  await ports.store.recordModeChange({
    fileSystemId: trigger.fileSystemId,
    at,
  });
  return {
    ...base,
    status: 'applied',
    reason: `switched ${trigger.fileSystemId} from ${described.ThroughputMode ?? 'bursting'} to elastic`,
    call,
    ...(approvedBy ? { approvedBy } : {}),
  };
}
