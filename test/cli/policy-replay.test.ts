/**
 * Replays through the real state machine (aws-local-stepfunctions running
 * the deployed definition, every Task mapped to its real handler): a run
 * may only lower the configured policy, and `auto` asks a person when the
 * sources contradict each other or the confidence is under the floor.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  type Recording,
  writeRecording,
} from '../../local/recording-format.ts';
import { runRecording } from '../../local/run-recording.ts';
import { type ScenarioName, simulateScenario } from '../../local/scenarios.ts';
import type { Policy } from '../../shared/domain/contracts.ts';
import { capture, useTempDirs } from '../support/io.ts';

const END = new Date('2026-11-23T03:12:00Z');
const FS = 'fs-0a1b2c3d4e5f67890';
const tempDir = useTempDirs();

/** A scenario started by hand, the manual input asking for `policy`. */
function startedByHand(name: ScenarioName, policy: Policy): Recording {
  const recording = simulateScenario(name, { end: END });
  return {
    ...recording,
    trigger: { fileSystemId: FS, windowMinutes: 180, policy },
  };
}

async function replayJson(recording: Recording, ...flags: string[]) {
  const dir = await tempDir('burstguard-policy-');
  await writeRecording(dir, recording);
  const { out, err, io } = capture();
  const code = await main(['replay', dir, '--json', ...flags], io);
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join(''));
}

async function updateCalls(
  recording: Recording,
  options: { policy?: Policy; approve?: boolean } = {},
) {
  const calls: unknown[] = [];
  const report = await runRecording(recording, {
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.approve
      ? { approver: async () => ({ approved: true, by: 'U0LOCAL' }) }
      : {}),
    write: () => undefined,
    color: false,
    onUpdateFileSystem: (call) => calls.push(call),
  });
  return { calls, report };
}

describe('a manual run asking for auto on a file system set to approve', () => {
  it('changes nothing without an approver', async () => {
    // The replay's file system is configured approve (the default); the
    // manual input asks for auto.
    const { calls, report } = await updateCalls(
      startedByHand('credits-exhausted', 'auto'),
    );
    expect(report.diagnosis?.verdict).toBe('efs-burst-credits-exhausted');
    expect(report.recommendation?.action).toBe('switch-to-elastic');
    expect(calls).toEqual([]);
    expect(report.remediation?.status ?? 'not reached').not.toBe('applied');
    expect(report.decision?.next).toBe('request-approval');
  });

  it('switches once an approver says yes', async () => {
    const { calls, report } = await updateCalls(
      startedByHand('credits-exhausted', 'auto'),
      { approve: true },
    );
    expect(calls).toEqual([{ FileSystemId: FS, ThroughputMode: 'elastic' }]);
    expect(report.remediation).toMatchObject({
      status: 'applied',
      approvedBy: 'U0LOCAL',
    });
  });

  it('says in the thread and in --json who asked for what', async () => {
    const report = await replayJson(startedByHand('credits-exhausted', 'auto'));
    const statement =
      'policy: approve (configured); the run asked for auto, which can only lower it';
    expect(report.decision.policy).toEqual({
      configured: 'approve',
      requested: 'auto',
      requestedBy: 'run-input',
      effective: 'approve',
      statement,
    });
    expect(report.trigger).toMatchObject({
      policy: 'approve',
      configuredPolicy: 'approve',
      requestedPolicy: 'auto',
    });
    const thread = JSON.stringify(report.slack);
    expect(thread).toContain(statement);
    // The approval card is what the run waits on.
    expect(thread).toContain('Approve: switch to Elastic');
  });

  it('lowers a file system set to auto when the run asks for off', async () => {
    const { calls, report } = await updateCalls(
      startedByHand('credits-exhausted', 'off'),
      { policy: 'auto' },
    );
    expect(calls).toEqual([]);
    expect(report.decision?.next).toBe('done');
    expect(report.decision?.policy?.statement).toBe(
      "policy: off (configured auto), lowered to off by the run's input",
    );
    expect(JSON.stringify(report.slack)).toContain(
      "lowered to off by the run's input",
    );
  });
});

describe('contradictory evidence under policy auto', () => {
  it('asks a person instead of switching, and says why in the thread', async () => {
    // 1.8 TiB of credits, yet permitted throughput at the 1 MiB/s floor
    // and pinned; the file system is configured auto.
    const recording = simulateScenario('credits-contradictory', { end: END });
    const { calls, report } = await updateCalls(recording, { policy: 'auto' });
    expect(report.diagnosis?.verdict).toBe('efs-burst-credits-exhausted');
    expect(report.recommendation?.action).toBe('switch-to-elastic');
    expect(calls).toEqual([]);
    expect(report.decision?.next).toBe('request-approval');
    expect(report.decision?.reason).toMatch(
      /sources contradict each other \(credits-but-permitted-at-baseline\)/,
    );
    expect(report.decision?.reason).toMatch(/below the 80% floor/);
    const thread = JSON.stringify(report.slack);
    expect(thread).toContain('*Sources disagree*');
    expect(thread).toMatch(/BurstCreditBalance at least 1\.8 TiB/);
    expect(thread).toContain('Approve: switch to Elastic');
  });

  it('lists the contradiction in the --json diagnosis', async () => {
    const report = await replayJson(
      simulateScenario('credits-contradictory', { end: END }),
      '--policy',
      'auto',
    );
    expect(
      report.diagnosis.contradictions.map((c: { id: string }) => c.id),
    ).toEqual(['credits-but-permitted-at-baseline']);
    expect(report.decision.policy.statement).toBe('policy: auto (configured)');
  });

  it('still switches the consistent incident under auto on its own', async () => {
    const { calls } = await updateCalls(
      simulateScenario('credits-exhausted', { end: END }),
      { policy: 'auto' },
    );
    expect(calls).toEqual([{ FileSystemId: FS, ThroughputMode: 'elastic' }]);
  });
});
