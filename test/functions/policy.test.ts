/**
 * The remediation policy of a run: the configuration sets it per file
 * system, a run may only lower it (auto -> approve -> off), and `auto`
 * acts alone only at or above the confidence floor with no contradiction
 * between sources.
 */
import { describe, expect, it } from 'vitest';
import { decide, evidenceFromGathered } from '../../functions/diagnose/core.ts';
import { normalizeTrigger } from '../../functions/normalize/core.ts';
import { remediate } from '../../functions/remediate/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { recordingEfsPort } from '../../local/recorded-ports.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import type {
  Diagnosis,
  Policy,
  Trigger,
} from '../../shared/domain/contracts.ts';
import { InvalidTriggerError } from '../../shared/domain/errors.ts';
import { findingMessage } from '../../shared/domain/messages/blocks.ts';
import { FS_ID, singleMetricAlarm } from '../fixtures/alarm-events.ts';
import { configuredFor, testConfig } from '../fixtures/config.ts';
import { afterDiagnose } from '../fixtures/states.ts';

const now = new Date('2026-11-23T03:15:00Z');

function manual(policy: Policy | undefined, config = configuredFor('approve')) {
  return normalizeTrigger(
    { fileSystemId: FS_ID, ...(policy ? { policy } : {}) },
    { config, now: () => now },
  );
}

/** An alarm event carrying the `burstguard:policy` tag. */
function taggedAlarm(value: string) {
  const event = singleMetricAlarm();
  return {
    ...event,
    detail: { ...event.detail, alarmTags: { 'burstguard:policy': value } },
  };
}

describe('a run asking for a policy', () => {
  it.each([
    // configured, asked for, in force
    ['approve', 'auto', 'approve'],
    ['off', 'auto', 'off'],
    ['off', 'approve', 'off'],
    ['auto', 'approve', 'approve'],
    ['auto', 'off', 'off'],
    ['approve', 'off', 'off'],
    ['auto', 'auto', 'auto'],
  ] as const)(
    'runs a file system configured %s, asked for %s, under %s',
    (config, asked, inForce) => {
      const trigger = manual(asked, configuredFor(config));
      expect(trigger.policy).toBe(inForce);
      expect(trigger.configuredPolicy).toBe(config);
      expect(trigger.requestedPolicy).toBe(asked);
      expect(trigger.policyRequestedBy).toBe('run-input');
    },
  );

  it('keeps the configured policy when the run asks for nothing', () => {
    const trigger = manual(undefined);
    expect(trigger.policy).toBe('approve');
    expect(trigger.requestedPolicy).toBeUndefined();
  });

  it("lowers an alarm's run by its burstguard:policy tag, never raises it", () => {
    const ports = (policy: Policy) => ({
      config: configuredFor(policy),
      now: () => now,
    });
    const raised = normalizeTrigger(taggedAlarm('auto'), ports('approve'));
    expect(raised).toMatchObject({
      policy: 'approve',
      requestedPolicy: 'auto',
      policyRequestedBy: 'alarm-tag',
    });
    const lowered = normalizeTrigger(taggedAlarm('off'), ports('auto'));
    expect(lowered.policy).toBe('off');
  });

  it('names a bad burstguard:policy tag in one line', () => {
    expect(() =>
      normalizeTrigger(taggedAlarm('yolo'), {
        config: configuredFor('approve'),
        now: () => now,
      }),
    ).toThrow(InvalidTriggerError);
    expect(() =>
      normalizeTrigger(taggedAlarm('yolo'), {
        config: configuredFor('approve'),
        now: () => now,
      }),
    ).toThrow(/tag burstguard:policy must be off, approve or auto, not "yolo"/);
  });
});

describe('the decision after the finding', () => {
  const state = afterDiagnose();
  const evidence = evidenceFromGathered(state.gathered);
  const { recommendation } = state.result;
  /** The fixture's switch-to-elastic diagnosis, confidence 0.91. */
  const sure: Diagnosis = { ...state.result.diagnosis, contradictions: [] };

  const run = (
    trigger: Partial<Trigger>,
    config = configuredFor('approve'),
    diagnosis = sure,
  ) =>
    decide(
      { ...state.trigger, ...trigger },
      evidence,
      diagnosis,
      recommendation,
      config,
    );

  it('does not switch when a trigger says auto on a file system set to approve', () => {
    // A trigger that skipped Normalize's rule: the configuration still wins.
    const decision = run({ policy: 'auto' });
    expect(decision.next).toBe('request-approval');
    expect(decision.policy).toMatchObject({
      configured: 'approve',
      requested: 'auto',
      effective: 'approve',
    });
  });

  it('says who asked for what', () => {
    expect(
      run({
        policy: 'approve',
        requestedPolicy: 'auto',
        policyRequestedBy: 'run-input',
      }).policy?.statement,
    ).toBe(
      'policy: approve (configured); the run asked for auto, which can only lower it',
    );
    expect(
      run(
        {
          policy: 'off',
          requestedPolicy: 'off',
          policyRequestedBy: 'run-input',
        },
        configuredFor('auto'),
      ).policy?.statement,
    ).toBe("policy: off (configured auto), lowered to off by the run's input");
    expect(
      run(
        {
          policy: 'approve',
          requestedPolicy: 'approve',
          policyRequestedBy: 'alarm-tag',
        },
        configuredFor('auto'),
      ).policy?.statement,
    ).toBe(
      "policy: approve (configured auto), lowered to approve by the alarm's burstguard:policy tag",
    );
    expect(run({ policy: 'approve' }).policy?.statement).toBe(
      'policy: approve (configured)',
    );
  });

  it('switches under auto at or above the confidence floor with sources agreeing', () => {
    const decision = run({ policy: 'auto' }, configuredFor('auto'));
    expect(decision).toMatchObject({
      next: 'remediate',
      reason: 'policy is auto',
    });
    const atFloor = run({ policy: 'auto' }, configuredFor('auto'), {
      ...sure,
      confidence: 0.8,
    });
    expect(atFloor.next).toBe('remediate');
  });

  it('asks a person under auto below the confidence floor, and says why', () => {
    const decision = run({ policy: 'auto' }, configuredFor('auto'), {
      ...sure,
      confidence: 0.65,
    });
    expect(decision.next).toBe('request-approval');
    expect(decision.reason).toMatch(
      /confidence 65% is below the 80% floor for acting alone \(autoConfidenceFloor\)/,
    );
    // The floor is the configuration's: lowered to 0.6, the same acts.
    const lowFloor = configuredFor('auto', { autoConfidenceFloor: 0.6 });
    expect(
      run({ policy: 'auto' }, lowFloor, { ...sure, confidence: 0.65 }).next,
    ).toBe('remediate');
  });

  it('asks a person under auto when sources contradict each other, whatever the confidence', () => {
    const contradicted: Diagnosis = {
      ...sure,
      confidence: 0.99,
      contradictions: [
        {
          id: 'credits-but-permitted-at-baseline',
          detail:
            'BurstCreditBalance at least 1.8 TiB while PermittedThroughput was at most 1.0 MiB/s',
          why: 'a file system with a positive burst credit balance can burst',
        },
      ],
    };
    const decision = run(
      { policy: 'auto' },
      configuredFor('auto', { autoConfidenceFloor: 0 }),
      contradicted,
    );
    expect(decision.next).toBe('request-approval');
    expect(decision.reason).toMatch(
      /sources contradict each other \(credits-but-permitted-at-baseline\): BurstCreditBalance at least 1\.8 TiB/,
    );
  });

  it('puts the policy statement and the contradictions in the finding message', () => {
    const diagnosis: Diagnosis = {
      ...sure,
      contradictions: [
        {
          id: 'credits-but-permitted-at-baseline',
          detail: 'BurstCreditBalance at least 1.8 TiB',
          why: 'EFS user guide, "Performance"',
        },
      ],
    };
    const trigger = {
      ...state.trigger,
      policy: 'approve' as const,
      requestedPolicy: 'auto' as const,
      policyRequestedBy: 'run-input' as const,
    };
    const decision = decide(
      trigger,
      evidence,
      diagnosis,
      recommendation,
      configuredFor('approve'),
    );
    const message = findingMessage(
      { ...state, trigger, result: { diagnosis, recommendation, decision } },
      '#langfuse-oncall',
    );
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(
      'policy: approve (configured); the run asked for auto, which can only lower it',
    );
    expect(text).toContain('*Sources disagree*');
    expect(text).toContain('credits-but-permitted-at-baseline');
  });
});

describe('Remediate after the decision', () => {
  // EFS answered from a simulated recording, shaped as
  // `aws efs describe-file-systems` prints it.
  const recording = simulateScenario('credits-exhausted', {
    fileSystemId: FS_ID,
    end: now,
  });
  const state = afterDiagnose();
  const input = (
    next: 'remediate' | 'request-approval',
    extra: Record<string, unknown> = {},
  ) => ({
    ...state,
    trigger: { ...state.trigger, policy: 'auto' as const },
    result: { ...state.result, decision: { next, reason: 'r' } },
    notification: { delivered: true, channel: '#c', messages: [] },
    ...extra,
  });
  const ports = (calls: unknown[]) => ({
    efs: recordingEfsPort(recording, { onUpdate: (c) => calls.push(c) }),
    store: createMemoryIncidentStore(),
    clock: { now: () => now },
    config: configuredFor('auto'),
  });

  it('needs an approver when auto asked a person, even under auto', async () => {
    const calls: unknown[] = [];
    const out = await remediate(
      input('request-approval', {
        approvalError: { Error: 'States.Timeout' },
      }),
      ports(calls),
    );
    expect(out.status).toBe('not-attempted');
    expect(out.reason).toBe('nobody approved within 1 h');
    expect(calls).toEqual([]);
  });

  it('switches without an approver when auto sent the run straight here', async () => {
    const calls: unknown[] = [];
    const out = await remediate(input('remediate'), ports(calls));
    expect(out.status).toBe('applied');
    expect(calls).toEqual([{ FileSystemId: FS_ID, ThroughputMode: 'elastic' }]);
  });

  it('needs an approver when the configuration says approve, whatever the trigger says', async () => {
    const calls: unknown[] = [];
    const out = await remediate(input('remediate'), {
      ...ports(calls),
      config: configuredFor('approve'),
    });
    expect(out.status).toBe('refused');
    expect(calls).toEqual([]);
  });
});

describe('autoConfidenceFloor', () => {
  it('defaults to 0.8', () => {
    expect(testConfig().autoConfidenceFloor).toBe(0.8);
  });

  it.each([1.5, -0.1, '0.8'])('refuses %j in one line', (value) => {
    expect(() => configuredFor('auto', { autoConfidenceFloor: value })).toThrow(
      /^configuration autoConfidenceFloor: /,
    );
  });
});
