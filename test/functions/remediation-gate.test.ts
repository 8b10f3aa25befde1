/**
 * The one remediation gate (shared/domain/remediations.ts), asked by
 * Diagnose's decide() and by Remediate: each rule, in its order, with the
 * words each step shows, and the entry of the switch to Elastic.
 */
import { describe, expect, it } from 'vitest';
import { MAX_IO_NO_ELASTIC } from '../../shared/domain/efs-rules.ts';
import {
  type GateQuestion,
  REMEDIATIONS,
  remediationGate,
  SWITCH_TO_ELASTIC,
} from '../../shared/domain/remediations.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';

function ask(overrides: Partial<GateQuestion> = {}): GateQuestion {
  return {
    action: 'switch-to-elastic',
    trigger: { fileSystemId: FS_ID, dryRun: false },
    policy: 'approve',
    config: testConfig(),
    ...overrides,
  };
}

const GENERAL_PURPOSE = {
  performanceMode: 'generalPurpose',
  throughputMode: 'bursting',
  lifeCycleState: 'available',
};

describe('the remediation gate', () => {
  it('lets the switch to Elastic through on an allowlisted General Purpose file system', () => {
    expect(remediationGate(ask())).toBeNull();
    expect(remediationGate(ask({ fileSystem: GENERAL_PURPOSE }))).toBeNull();
    expect(remediationGate(ask({ policy: 'auto', fileSystem: {} }))).toBeNull();
  });

  it('leaves increase-provisioned-throughput to a person, in both wordings', () => {
    const refusal = remediationGate(
      ask({ action: 'increase-provisioned-throughput', policy: 'auto' }),
    );

    expect(refusal?.status).toBe('refused');
    expect(refusal?.decided).toMatch(
      /^increase-provisioned-throughput is for a person to do, whatever the policy: burstguard only automates the switch to Elastic/,
    );
    expect(refusal?.outcome).toBe(
      'increase-provisioned-throughput is never automated: the size is an estimate for a person to confirm, and EFS then holds the mode for 24 h',
    );
  });

  it.each(['investigate', 'tune-clickhouse-inserts', 'none'] as const)(
    'leaves %s to a person',
    (action) => {
      expect(remediationGate(ask({ action, policy: 'auto' }))).toEqual({
        status: 'not-attempted',
        decided: `${action} is for a person to do; burstguard only switches to Elastic`,
        outcome: `${action} is not automated`,
      });
    },
  );

  it('refuses Max I/O before it reads the policy or the allowlist', () => {
    const refusal = remediationGate(
      ask({
        policy: 'off',
        trigger: { fileSystemId: OTHER_FS_ID, dryRun: false },
        fileSystem: { ...GENERAL_PURPOSE, performanceMode: 'maxIO' },
      }),
    );

    expect(refusal).toEqual({
      status: 'refused',
      decided: `not switching ${OTHER_FS_ID} to Elastic: ${MAX_IO_NO_ELASTIC}`,
      outcome: `${OTHER_FS_ID} is Max I/O: ${MAX_IO_NO_ELASTIC}`,
    });
  });

  it('stops at policy off before the allowlist', () => {
    expect(
      remediationGate(
        ask({
          policy: 'off',
          trigger: { fileSystemId: OTHER_FS_ID, dryRun: false },
        }),
      ),
    ).toEqual({
      status: 'not-attempted',
      decided: 'policy is off: burstguard only reports',
      outcome: 'policy is off',
    });
  });

  it.each([true, false])(
    'refuses a file system off the allowlist (dry run %s)',
    (dryRun) => {
      const refusal = remediationGate(
        ask({
          policy: 'auto',
          trigger: { fileSystemId: OTHER_FS_ID, dryRun },
          fileSystem: { ...GENERAL_PURPOSE, throughputMode: 'elastic' },
        }),
      );

      expect(refusal).toEqual({
        status: 'refused',
        decided: `${OTHER_FS_ID} is not on the remediation allowlist`,
        outcome: `${OTHER_FS_ID} is not on the remediation allowlist`,
      });
    },
  );

  it('calls a file system already in Elastic mode done, after the allowlist', () => {
    expect(
      remediationGate(
        ask({ fileSystem: { ...GENERAL_PURPOSE, throughputMode: 'elastic' } }),
      ),
    ).toEqual({
      status: 'already-done',
      decided: 'already in Elastic mode',
      outcome: 'already in Elastic mode',
    });
  });

  it('refuses a file system that is not available, when the state is known', () => {
    expect(
      remediationGate(
        ask({ fileSystem: { ...GENERAL_PURPOSE, lifeCycleState: 'updating' } }),
      ),
    ).toMatchObject({
      status: 'refused',
      outcome: 'LifeCycleState is updating; a change needs available',
    });
  });
});

describe('the remediations', () => {
  it('automates the switch to Elastic only', () => {
    expect(Object.keys(REMEDIATIONS)).toEqual(['switch-to-elastic']);
    expect(SWITCH_TO_ELASTIC).toBe(REMEDIATIONS['switch-to-elastic']);
  });

  it('calls UpdateFileSystem with ThroughputMode elastic and reads elastic back', () => {
    expect(SWITCH_TO_ELASTIC.call(FS_ID)).toEqual({
      FileSystemId: FS_ID,
      ThroughputMode: 'elastic',
    });
    expect(SWITCH_TO_ELASTIC.verifiedBy).toEqual({ throughputMode: 'elastic' });
    expect(SWITCH_TO_ELASTIC.words.callText(FS_ID)).toBe(
      `UpdateFileSystem ${FS_ID} ThroughputMode=elastic`,
    );
  });
});
