/**
 * The approval card is the last thing a person reads before a change: it
 * must show the exact call, what each mode would cost, and both 24 h rules
 * (EFS's wait, named as EFS's, and burstguard's own cap, named as its own).
 * The recommendation comes from the real engine on the built-in incident
 * (Bursting, 3.6 GiB stored, credits exhausted).
 */
import { describe, expect, it } from 'vitest';
import { evidenceFromRecording } from '../../local/evidence.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { approvalMessage } from '../../shared/domain/messages/blocks.ts';
import { afterDiagnose } from '../fixtures/states.ts';

const END = new Date('2026-11-23T03:12:00Z');

async function card() {
  const recording = simulateScenario('credits-exhausted', {
    end: END,
    region: 'us-east-1',
  });
  const evidence = await evidenceFromRecording(recording);
  const { diagnosis, recommendation } = diagnose(evidence, {
    region: 'us-east-1',
    windowStart: recording.meta.start,
    windowEnd: recording.meta.end,
  });
  const state = afterDiagnose();
  state.result = { ...state.result, diagnosis, recommendation };
  return { recommendation, message: approvalMessage(state, 'C0') };
}

function textOf(message: { blocks?: unknown[] }): string {
  return JSON.stringify(message.blocks);
}

describe('the approval card', () => {
  it('names the exact UpdateFileSystem call', async () => {
    const { message } = await card();
    expect(textOf(message)).toContain(
      'UpdateFileSystem fs-0123456789abcdef0 ThroughputMode=elastic',
    );
  });

  it('prices Elastic, Provisioned and Bursting per month', async () => {
    const { recommendation, message } = await card();
    expect(recommendation.action).toBe('switch-to-elastic');
    const text = textOf(message);
    expect(text).toMatch(/• Elastic: \$\d[\d,.]*\/month/);
    expect(text).toMatch(/• Provisioned \d+ MiB\/s: \$\d[\d,.]*\/month/);
    expect(text).toMatch(/• Bursting: \$\d[\d,.]*\/month/);
    expect(text).toMatch(/Prices: us-east-1 prices of \d{4}-\d{2}-\d{2}/);
  });

  it("states EFS's 24 h wait as EFS's and burstguard's cap as its own", async () => {
    const { message } = await card();
    const text = textOf(message);
    expect(text).toMatch(/EFS: [^"]*24 h wait/);
    expect(text).toMatch(/burstguard's own limit, not AWS's[^"]*per 24 h/);
  });

  it('says who may answer and when the request expires', async () => {
    const { message } = await card();
    expect(textOf(message)).toContain(
      'Only listed approvers can answer. The request expires in 1 h.',
    );
  });
});
