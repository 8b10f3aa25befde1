/**
 * Remediate: switch the file system to Elastic throughput, safely. Only
 * allowlisted General Purpose file systems (EFS offers Elastic only with
 * General Purpose performance mode), only when `available`, a no-op when
 * already Elastic, at most one change per file system per 24 h (burstguard's
 * own limit), and a TooManyRequests answer is read for its "Wait until ...
 * UTC" time, never retried blindly. The 24 h is claimed in the incident
 * store before UpdateFileSystem is called, so two runs cannot both switch,
 * and given back when EFS refuses. Nothing else is automated. The rules it
 * shares with Diagnose's decision (the action, Max I/O, the policy, the
 * allowlist, already Elastic, `available`) are the one remediation gate of
 * shared/domain/remediations.ts, asked before the approval and again with
 * what DescribeFileSystems says.
 */
import { type AppConfig, findFileSystem } from '../../shared/domain/config.ts';
import type {
  RemediateInput,
  Remediation,
} from '../../shared/domain/contracts.ts';
import { OWN_CAP } from '../../shared/domain/efs-rules.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import { policyOfRun } from '../../shared/domain/policy.ts';
import type {
  Clock,
  EfsPort,
  IncidentStore,
} from '../../shared/domain/ports.ts';
import {
  type FileSystemNow,
  REMEDIATIONS,
  type RemediationEntry,
  remediationGate,
} from '../../shared/domain/remediations.ts';

export type RemediatePorts = {
  efs: EfsPort;
  store: IncidentStore;
  clock: Clock;
  config: AppConfig;
};

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
  const gate = (fileSystem?: FileSystemNow): Remediation | null => {
    const refusal = remediationGate({
      action,
      trigger,
      policy: trigger.policy,
      config: ports.config,
      fileSystem,
    });
    return (
      refusal && { ...base, status: refusal.status, reason: refusal.outcome }
    );
  };
  const stopped = gate();
  if (stopped) return stopped;
  // Past the gate, the action has an entry.
  const remediation = REMEDIATIONS[action] as RemediationEntry;
  const call = remediation.call(trigger.fileSystemId);
  const fsConfig = findFileSystem(ports.config, trigger.fileSystemId);
  let approvedBy: string | undefined;
  // No approver needed only when the configured policy is auto, the run
  // did not lower it, and Diagnose sent the run straight here: under the
  // confidence floor or with contradicting sources, auto asks a person too.
  const actsAlone =
    policyOfRun(trigger, fsConfig?.policy).effective === 'auto' &&
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
    // The same rule as the Slack endpoint: an empty list lets nobody
    // approve, so an answer sent to the task token by other means
    // (states:SendTaskSuccess) switches nothing either.
    const approvers = ports.config.approvers;
    if (!approvedBy || !approvers.includes(approvedBy)) {
      return {
        ...base,
        status: 'refused',
        reason: approvers.length
          ? `${approvedBy ?? 'an unknown user'} is not on the approvers list`
          : 'the approvers list is empty: nobody may approve a switch (set approvers in the configuration)',
      };
    }
  }

  let described: Awaited<ReturnType<EfsPort['describeFileSystem']>>;
  try {
    described = await ports.efs.describeFileSystem(trigger.fileSystemId);
  } catch (error) {
    return { ...base, status: 'failed', reason: oneLine(error) };
  }
  const { incidentId } = input.incident;
  const claim = await ports.store.modeChangeClaim(trigger.fileSystemId);
  if (claim?.incidentId === incidentId && !trigger.dryRun) {
    // This incident claimed the change before: a retry of Remediate. It
    // must not call again, and must not skip Verify.
    return ownClaim(base, call, described, claim.at, approvedBy);
  }
  const notNow = gate({
    performanceMode: described.PerformanceMode,
    throughputMode: described.ThroughputMode,
    lifeCycleState: described.LifeCycleState,
  });
  if (notNow) return notNow;
  if (trigger.dryRun) {
    if (claim && Date.parse(at) - Date.parse(claim.at) < MODE_CHANGE_LOCK_MS) {
      return ownLock(base, claim.at);
    }
    return {
      ...base,
      status: 'dry-run',
      reason: 'dry run: nothing was changed',
      call,
      ...(approvedBy ? { approvedBy } : {}),
    };
  }
  // The claim is written before the call: of two runs, one calls.
  const claimed = await ports.store.claimModeChange({
    fileSystemId: trigger.fileSystemId,
    incidentId,
    at,
    lockMs: MODE_CHANGE_LOCK_MS,
  });
  if (claimed.outcome === 'held') {
    return ownLock(base, claimed.at);
  }
  if (claimed.outcome === 'own') {
    return ownClaim(base, call, described, claimed.at, approvedBy);
  }
  try {
    await ports.efs.updateFileSystem(call);
  } catch (error) {
    const name = errorName(error);
    const message = oneLine(error);
    if (!REFUSALS.has(name)) {
      // A timeout, a 500, a dropped connection: EFS may have made the
      // change. The claim stays, so nothing calls again within 24 h.
      return {
        ...base,
        status: 'unknown',
        reason: `UpdateFileSystem did not answer clearly (${name}: ${message}); the change may have happened: check the EFS console`,
        call,
        ...(approvedBy ? { approvedBy } : {}),
      };
    }
    const released = await release(ports, trigger.fileSystemId, incidentId, at);
    if (name === 'TooManyRequests') {
      const retryAfter = waitUntilFrom(message);
      return {
        ...base,
        status: 'locked',
        reason: `EFS refused (TooManyRequests): ${message}${released}`,
        call,
        ...(retryAfter ? { retryAfter } : {}),
        lockedBy: 'efs',
      };
    }
    if (name === 'IncorrectFileSystemLifeCycleState') {
      return {
        ...base,
        status: 'refused',
        reason: `EFS refused: ${message}${released}`,
        call,
      };
    }
    return {
      ...base,
      status: 'failed',
      reason: `${name}: ${message}${released}`,
      call,
    };
  }
  return {
    ...base,
    status: 'applied',
    reason: `switched ${trigger.fileSystemId} from ${described.ThroughputMode ?? 'bursting'} to elastic`,
    call,
    ...(approvedBy ? { approvedBy } : {}),
  };
}

/**
 * UpdateFileSystem errors that mean the change did not happen, from the EFS
 * API reference for UpdateFileSystem ("Errors"): BadRequest (400, malformed
 * or invalid), FileSystemNotFound (404; FileSystemNotFoundError once the
 * adapter names it), IncorrectFileSystemLifeCycleState (409, not
 * `available`), InsufficientThroughputCapacity (503, "try again later"),
 * ThroughputLimitExceeded (400), TooManyRequests (429, the 24 h rule). An
 * API throttle (ThrottlingException) is refused before it is processed.
 * InternalServerError (500) and every timeout or network error are not
 * here: the change may have happened.
 */
export const REFUSALS: ReadonlySet<string> = new Set([
  'BadRequest',
  'FileSystemNotFound',
  'FileSystemNotFoundError',
  'IncorrectFileSystemLifeCycleState',
  'InsufficientThroughputCapacity',
  'ThroughputLimitExceeded',
  'TooManyRequests',
  'ThrottlingException',
]);

type Base = { action: Remediation['action']; at: string };
type Call = NonNullable<Remediation['call']>;

/** burstguard's own 24 h limit, held by an earlier change or claim. */
function ownLock(base: Base, last: string): Remediation {
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

/** This incident claimed the change in an earlier attempt of Remediate. */
function ownClaim(
  base: Base,
  call: Call,
  described: { ThroughputMode?: string; LifeCycleState: string },
  claimedAt: string,
  approvedBy: string | undefined,
): Remediation {
  const by = approvedBy ? { approvedBy } : {};
  if (described.ThroughputMode === 'elastic') {
    return {
      ...base,
      status: 'applied',
      reason: `this incident claimed the change at ${claimedAt} and ${call.FileSystemId} is now elastic: an earlier attempt of this step switched it`,
      call,
      ...by,
    };
  }
  return {
    ...base,
    status: 'unknown',
    reason: `this incident claimed the change at ${claimedAt} and may have called UpdateFileSystem; EFS shows ${described.ThroughputMode ?? 'bursting'} (${described.LifeCycleState}): check the EFS console. burstguard does not call again within 24 h`,
    call,
    ...by,
  };
}

/** Gives the claim back; says so in the reason when that failed. */
async function release(
  ports: RemediatePorts,
  fileSystemId: string,
  incidentId: string,
  at: string,
): Promise<string> {
  try {
    await ports.store.releaseModeChange({ fileSystemId, incidentId, at });
    return '';
  } catch (error) {
    return ` (the claim could not be released, ${oneLine(error)}: burstguard will not try again before ${new Date(Date.parse(at) + MODE_CHANGE_LOCK_MS).toISOString()})`;
  }
}
