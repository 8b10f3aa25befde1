/**
 * The reasons Diagnose gives for its decision, read in the thread and in
 * `--json`, and how it words a collector's failure.
 */
import { describe, expect, it } from 'vitest';
import {
  decide,
  evidenceFromGathered,
  reasonFromCaught,
} from '../../functions/diagnose/core.ts';
import { evidenceFromRecording } from '../../local/evidence.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import type {
  Diagnosis,
  Evidence,
  Policy,
  Recommendation,
  Trigger,
} from '../../shared/domain/contracts.ts';
import {
  lowerOf,
  policyOfRun,
  policyStatement,
} from '../../shared/domain/policy.ts';
import { configuredFor } from '../fixtures/config.ts';
import { afterDiagnose } from '../fixtures/states.ts';

const state = afterDiagnose();
const evidence = evidenceFromGathered(state.gathered);
const sure: Diagnosis = {
  ...state.result.diagnosis,
  confidence: 0.5,
  contradictions: [],
};

function run(
  options: {
    trigger?: Partial<Trigger>;
    policy?: Policy;
    action?: Recommendation['action'];
    evidence?: Evidence;
  } = {},
) {
  return decide(
    {
      ...state.trigger,
      policy: options.policy ?? 'approve',
      ...options.trigger,
    },
    options.evidence ?? evidence,
    sure,
    {
      ...state.result.recommendation,
      action: options.action ?? 'switch-to-elastic',
    },
    configuredFor(options.policy ?? 'approve'),
  );
}

describe('decide, the reasons', () => {
  it('leaves an investigation to a person', () => {
    expect(run({ action: 'investigate' })).toMatchObject({
      next: 'done',
      reason:
        'investigate is for a person to do; burstguard only switches to Elastic',
    });
  });

  it('does nothing for a file system already in Elastic mode', async () => {
    const simulated = await evidenceFromRecording(
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T03:12:00Z'),
      }),
    );
    if (!simulated.efs.available) throw new Error('scenario has EFS evidence');
    const elastic: Evidence = {
      ...simulated,
      efs: {
        ...simulated.efs,
        fileSystem: { ...simulated.efs.fileSystem, throughputMode: 'elastic' },
      },
    };

    expect(run({ evidence: elastic })).toMatchObject({
      next: 'done',
      reason: 'already in Elastic mode',
    });
  });

  it('asks an approver for a file system EFS shows in Bursting mode', async () => {
    const bursting = await evidenceFromRecording(
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T03:12:00Z'),
      }),
    );

    expect(run({ evidence: bursting })).toMatchObject({
      next: 'request-approval',
      reason: `policy is approve: waiting for an approver (verdict ${sure.verdict})`,
    });
  });

  it('goes to Remediate on a dry run to print the call', () => {
    expect(run({ trigger: { dryRun: true } })).toMatchObject({
      next: 'remediate',
      reason: 'dry run: print the UpdateFileSystem call, change nothing',
    });
  });

  it('waits for an approver under approve and names the verdict', () => {
    expect(run().reason).toBe(
      `policy is approve: waiting for an approver (verdict ${sure.verdict})`,
    );
  });

  it('states the floor in percent when auto holds back', () => {
    // The default floor is 0.8 and the diagnosis is 50 percent sure.
    const reason = run({ policy: 'auto' }).reason;

    expect(reason).toContain(
      'policy is auto, but it acts alone only with confidence at or above 80% and no contradiction between sources: ',
    );
    expect(reason).toContain(
      `. Waiting for an approver (verdict ${sure.verdict})`,
    );
  });
});

describe('reasonFromCaught', () => {
  it("reads a Lambda error's type and message from its JSON cause", () => {
    expect(
      reasonFromCaught({
        Error: 'States.TaskFailed',
        Cause: JSON.stringify({
          errorType: 'AccessDeniedException',
          errorMessage: 'not allowed',
        }),
      }),
    ).toBe('AccessDeniedException: not allowed');
  });

  it('uses the Step Functions error name when the cause has no type', () => {
    expect(
      reasonFromCaught({
        Error: 'States.TaskFailed',
        Cause: JSON.stringify({ errorMessage: 'not allowed' }),
      }),
    ).toBe('States.TaskFailed: not allowed');
  });

  it('gives the error name alone when there is no cause', () => {
    expect(reasonFromCaught({ Error: 'States.Runtime' })).toBe(
      'States.Runtime',
    );
  });
});

describe('evidenceFromGathered', () => {
  it('marks a source nobody gathered as not available', () => {
    const evidence = evidenceFromGathered([]);

    expect(evidence.efs).toEqual({
      source: 'efs',
      available: false,
      reason: 'not gathered',
    });
  });
});

describe('the policy statement', () => {
  it('keeps the configured policy when the run asks for the same', () => {
    expect(policyStatement('approve', 'approve')).toBe(
      'policy: approve (configured)',
    );
  });

  it('names the alarm tag that lowered the policy', () => {
    expect(policyStatement('auto', 'off', 'alarm-tag')).toBe(
      "policy: off (configured auto), lowered to off by the alarm's burstguard:policy tag",
    );
  });

  it('records no request when the trigger carries the configured policy', () => {
    expect(policyOfRun({ policy: 'approve' }, 'approve')).toEqual({
      configured: 'approve',
      effective: 'approve',
      statement: 'policy: approve (configured)',
    });
  });

  it('records who asked for a lower policy', () => {
    expect(
      policyOfRun(
        {
          policy: 'off',
          requestedPolicy: 'off',
          policyRequestedBy: 'alarm-tag',
        },
        'auto',
      ),
    ).toMatchObject({
      configured: 'auto',
      requested: 'off',
      requestedBy: 'alarm-tag',
      effective: 'off',
    });
  });

  it('takes the lower of two policies in either order', () => {
    expect(lowerOf('auto', 'approve')).toBe('approve');
    expect(lowerOf('approve', 'auto')).toBe('approve');
    expect(lowerOf('off', 'auto')).toBe('off');
  });
});
