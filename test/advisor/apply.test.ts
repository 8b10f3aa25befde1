/**
 * A run started by the advice's Apply (the manual input's `advice`) on a
 * healthy window: `burstguard replay` runs the deployed state machine's
 * ASL with the real handlers (local/state-machine-runner.ts). The switch
 * to Elastic goes through the policy's approval and Verify like any run;
 * Provisioned stays for a person, with the advised size in its call.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { writeRecording } from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { withAdvice } from '../../shared/domain/advisor/apply.ts';
import type { Recommendation, Trigger } from '../../shared/domain/contracts.ts';
import { capture, useTempDirs } from '../support/io.ts';
import { REPLAY_END } from '../support/replay-digest.ts';

const tempDir = useTempDirs();

async function replayWithAdvice(advice: object, flags: string[]) {
  const dir = await tempDir('burstguard-apply-');
  const recording = simulateScenario('healthy-blip', {
    end: REPLAY_END,
    region: 'us-east-1',
  });
  recording.trigger = {
    fileSystemId: recording.meta.fileSystemId,
    note: 'weekly advice',
    advice,
  };
  await writeRecording(dir, recording);
  const { out, err, io } = capture();
  const code = await main(['replay', dir, '--json', ...flags], io);
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join('')) as {
    diagnosis: { verdict: string };
    recommendation: { action: string; summary: string };
    decision: { next: string; reason: string };
    remediation: { status: string; approvedBy?: string; call?: unknown } | null;
    verification: { throughputMode?: string } | null;
  };
}

describe('a run started by the advice', () => {
  it('switches a healthy Bursting file system to Elastic once approved, and verifies it', async () => {
    const run = await replayWithAdvice(
      { mode: 'elastic', requestedBy: 'U0LOCAL' },
      ['--policy', 'approve', '--approve'],
    );
    // The window itself shows nothing wrong: the advice is why it acts.
    expect(run.diagnosis.verdict).toBe('no-storage-problem');
    expect(run.recommendation.action).toBe('switch-to-elastic');
    expect(run.recommendation.summary).toMatch(
      /^the weekly advice, applied by U0LOCAL: switch fs-\S+ to Elastic/,
    );
    expect(run.decision.next).toBe('request-approval');
    expect(run.remediation).toMatchObject({
      status: 'applied',
      approvedBy: 'U0LOCAL',
      call: { ThroughputMode: 'elastic' },
    });
    // Verify read the mode back from EFS.
    expect(run.verification?.throughputMode).toBe('elastic');
  });

  it('changes nothing without the approval its policy asks for', async () => {
    const run = await replayWithAdvice(
      { mode: 'elastic', requestedBy: 'U0LOCAL' },
      ['--policy', 'off'],
    );
    expect(run.recommendation.action).toBe('switch-to-elastic');
    expect(run.decision.next).toBe('done');
    expect(run.decision.reason).toMatch(/policy is off/);
    expect(run.remediation).toBeNull();
  });

  it('leaves Provisioned to a person, naming the advised size', async () => {
    const run = await replayWithAdvice(
      { mode: 'provisioned', provisionedMibps: 6, requestedBy: 'U0LOCAL' },
      ['--policy', 'approve', '--approve'],
    );
    expect(run.recommendation.action).toBe('increase-provisioned-throughput');
    expect(run.recommendation.summary).toMatch(
      /--throughput-mode provisioned --provisioned-throughput-in-mibps 6\)$/,
    );
    expect(run.decision.next).toBe('done');
    expect(run.decision.reason).toMatch(/for a person to do/);
    expect(run.remediation).toBeNull();
  });
});

describe('advice naming a mode other than Elastic', () => {
  // The window's own diagnosis says switch to Elastic; a run started for
  // advice that names Bursting must not act on it.
  const diagnosed: Recommendation = {
    action: 'switch-to-elastic',
    summary: 'switch fs-0123456789abcdef0 to Elastic throughput',
    costs: [],
    caveats: [],
  };
  const trigger = (advice: Trigger['advice']) =>
    ({
      kind: 'manual',
      fileSystemId: 'fs-0123456789abcdef0',
      region: 'us-east-1',
      advice,
    }) as Trigger;

  it('is refused for Bursting: the run changes nothing, whatever the diagnosis says', () => {
    const r = withAdvice(
      trigger({ mode: 'bursting', requestedBy: 'U0LOCAL' }),
      diagnosed,
    );
    expect(r.action).toBe('none');
    expect(r.summary).toMatch(
      /asks to switch fs-0123456789abcdef0 to Bursting: refused, burstguard applies only the switch to Elastic/,
    );
  });

  it("is not applied for Provisioned: a call for a person, never the diagnosis's switch", () => {
    const r = withAdvice(
      trigger({
        mode: 'provisioned',
        provisionedMibps: 6,
        requestedBy: 'U0LOCAL',
      }),
      diagnosed,
    );
    expect(r.action).toBe('increase-provisioned-throughput');
    expect(r.summary).toMatch(
      /to Provisioned: not applied, burstguard applies only the switch to Elastic/,
    );
  });
});
