/**
 * What burstguard may change by itself, and the one gate that says whether
 * it may change it here and now. Each automated action has one entry: its
 * guards, the EFS call it makes, and what Verify reads back to say it
 * worked. A second remediation is a second entry. Every other action is for
 * a person, whatever the policy.
 *
 * The gate is asked by Diagnose (decide(): where the run goes next) and by
 * Remediate (before any call, then again with what DescribeFileSystems says
 * now). Both read the same rules in the same order; each refusal carries
 * the words of both: `decided` for the finding's "Next:" line, `outcome`
 * for the remediation's reason.
 */
import { type AppConfig, findFileSystem } from './config.ts';
import type { Action, Policy, Remediation } from './contracts.ts';
import {
  EFS_WAIT_AFTER_PROVISIONED,
  elasticAllowed,
  MAX_IO_NO_ELASTIC,
} from './efs-rules.ts';

type UpdateFileSystemCall = NonNullable<Remediation['call']>;

/**
 * What is known of the file system: from the evidence (Diagnose) or from
 * DescribeFileSystems just before the call (Remediate). Only Remediate
 * knows the life-cycle state of the moment; the evidence's may be minutes
 * old, so Diagnose does not pass it.
 */
export type FileSystemNow = {
  performanceMode?: string | undefined;
  throughputMode?: string | undefined;
  lifeCycleState?: string | undefined;
};

/** Why the gate stops a remediation, in the words of both steps. */
export type GateRefusal = {
  /** The remediation's status when Remediate is stopped here. */
  status: 'refused' | 'not-attempted' | 'already-done';
  /** What Diagnose's decision says. */
  decided: string;
  /** What Remediate's outcome says. */
  outcome: string;
};

export type RemediationEntry = {
  /**
   * Why EFS does not offer the change to this file system at all, or null;
   * asked before the policy.
   */
  cannot(fileSystemId: string, fs: FileSystemNow): GateRefusal | null;
  /**
   * Why the change is not needed or not possible now, or null; asked after
   * the policy and the allowlist.
   */
  notNow(fileSystemId: string, fs: FileSystemNow): GateRefusal | null;
  /** The EfsPort.updateFileSystem call that makes the change. */
  call(fileSystemId: string): UpdateFileSystemCall;
  /** What Verify reads back from EFS: the change took when it shows this. */
  verifiedBy: { throughputMode: UpdateFileSystemCall['ThroughputMode'] };
  /** The change in the Slack messages' words. */
  words: {
    /** What the file system is switched to: "switching fs-… to {to}". */
    to: string;
    /** The approve button's label. */
    button: string;
    /** The call as the approval card shows it. */
    callText(fileSystemId: string): string;
  };
};

const refused = (text: string): GateRefusal => ({
  status: 'refused',
  decided: text,
  outcome: text,
});

export const REMEDIATIONS: Readonly<Partial<Record<Action, RemediationEntry>>> =
  {
    'switch-to-elastic': {
      cannot: (id, fs) =>
        fs.performanceMode !== undefined && !elasticAllowed(fs.performanceMode)
          ? {
              status: 'refused',
              decided: `not switching ${id} to Elastic: ${MAX_IO_NO_ELASTIC}`,
              outcome: `${id} is Max I/O: ${MAX_IO_NO_ELASTIC}`,
            }
          : null,
      notNow(_id, fs) {
        if (fs.throughputMode === 'elastic') {
          return {
            ...refused('already in Elastic mode'),
            status: 'already-done',
          };
        }
        if (
          fs.lifeCycleState !== undefined &&
          fs.lifeCycleState !== 'available'
        ) {
          return refused(
            `LifeCycleState is ${fs.lifeCycleState}; a change needs available`,
          );
        }
        return null;
      },
      call: (id) => ({ FileSystemId: id, ThroughputMode: 'elastic' }),
      verifiedBy: { throughputMode: 'elastic' },
      words: {
        to: 'Elastic throughput',
        button: 'Approve: switch to Elastic',
        callText: (id) => `UpdateFileSystem ${id} ThroughputMode=elastic`,
      },
    },
  };

/** The one automated remediation, for the texts that name it alone. */
export const SWITCH_TO_ELASTIC = REMEDIATIONS[
  'switch-to-elastic'
] as RemediationEntry;

/** Why an action that has no entry is left to a person. */
function forAPerson(action: Action): GateRefusal {
  if (action === 'increase-provisioned-throughput') {
    // The size is an estimate, and a switch to (or increase of)
    // Provisioned starts EFS's 24 h wait.
    return {
      status: 'refused',
      decided: `increase-provisioned-throughput is for a person to do, whatever the policy: burstguard only automates the switch to Elastic, the size is an estimate from this window, and ${EFS_WAIT_AFTER_PROVISIONED}`,
      outcome:
        'increase-provisioned-throughput is never automated: the size is an estimate for a person to confirm, and EFS then holds the mode for 24 h',
    };
  }
  return {
    status: 'not-attempted',
    decided: `${action} is for a person to do; burstguard only switches to Elastic`,
    outcome: `${action} is not automated`,
  };
}

export type GateQuestion = {
  action: Action;
  trigger: { fileSystemId: string; dryRun: boolean };
  /** The policy the run acts under. */
  policy: Policy;
  config: AppConfig;
  /** What is known of the file system, when something is. */
  fileSystem?: FileSystemNow | undefined;
};

/**
 * May burstguard make this change on this file system? null when it may
 * (an approver may still be needed: that is the policy's business), else
 * why not. The rules, in order: the action has an entry; EFS offers it to
 * this file system; the policy is not off; the file system is on the
 * remediation allowlist; the change is needed and possible now.
 */
export function remediationGate(ask: GateQuestion): GateRefusal | null {
  const { action, trigger, fileSystem } = ask;
  const entry = REMEDIATIONS[action];
  if (!entry) return forAPerson(action);
  const cannot = fileSystem && entry.cannot(trigger.fileSystemId, fileSystem);
  if (cannot) return cannot;
  if (ask.policy === 'off') {
    return {
      status: 'not-attempted',
      decided: 'policy is off: burstguard only reports',
      outcome: 'policy is off',
    };
  }
  if (!findFileSystem(ask.config, trigger.fileSystemId)?.remediationAllowed) {
    return refused(
      `${trigger.fileSystemId} is not on the remediation allowlist`,
    );
  }
  return (fileSystem && entry.notNow(trigger.fileSystemId, fileSystem)) ?? null;
}
