/**
 * The approval card is the last thing a person reads before a change: it
 * must show the exact call, what each mode would cost, and both 24 h rules
 * (EFS's wait, named as EFS's, and burstguard's own cap, named as its own).
 * The recommendation comes from the real engine on the built-in incident
 * (Bursting, 3.6 GiB stored, credits exhausted).
 */
import { describe, expect, it } from 'vitest';
import { approvalMessage } from '../../shared/domain/messages/blocks.ts';
import { scenarioDiagnosis } from '../fixtures/scenarios.ts';
import { afterDiagnose } from '../fixtures/states.ts';

async function card() {
  const { diagnosis, recommendation } =
    await scenarioDiagnosis('credits-exhausted');
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

  it('asks for a confirmation saying exactly what will change', async () => {
    // Block Kit reference, "Confirmation dialog object"
    // (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object):
    // title, text, confirm and deny text objects, style primary or danger.
    const { message } = await card();
    const [approve] = buttons(message);

    expect(approve?.style).toBe('primary');
    expect(approve?.confirm).toEqual({
      title: { type: 'plain_text', text: 'Switch fs-0123456789abcdef0?' },
      text: {
        type: 'plain_text',
        text: 'UpdateFileSystem fs-0123456789abcdef0 ThroughputMode=elastic: fs-0123456789abcdef0 switches to Elastic throughput, with no downtime. Elastic costs about $189/month at this load. EFS may refuse another mode change for 24 h, and burstguard makes no other change to this file system for 24 h.',
      },
      confirm: { type: 'plain_text', text: 'Switch to Elastic throughput' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'primary',
    });
  });

  it('keeps Decline plain: declining changes nothing', async () => {
    const { message } = await card();
    const [, decline] = buttons(message);

    expect(decline?.text).toEqual({ type: 'plain_text', text: 'Decline' });
    expect(decline).not.toHaveProperty('style');
    expect(decline).not.toHaveProperty('confirm');
  });

  it('mentions each configured approver', () => {
    const message = approvalMessage(afterDiagnose(), 'C0', '1.2', {
      approvers: ['U0AAA1111', 'W0BBB2222'],
    });

    expect(textOf(message)).toContain(
      '<@U0AAA1111> <@W0BBB2222>: *Approve switching',
    );
    expect(message.text).toBe(
      '<@U0AAA1111> <@W0BBB2222>: approve switching fs-0123456789abcdef0 to Elastic throughput?',
    );
  });

  it('mentions the user group instead when one is configured', () => {
    const message = approvalMessage(afterDiagnose(), 'C0', '1.2', {
      approvers: ['U0AAA1111'],
      approverGroupId: 'S0ONCALL1',
    });

    expect(textOf(message)).toContain('<!subteam^S0ONCALL1>: *Approve');
    expect(textOf(message)).not.toContain('<@U0AAA1111>');
  });

  it('mentions nobody when no approver is configured', () => {
    const message = approvalMessage(afterDiagnose(), 'C0');

    expect(textOf(message)).toContain('"*Approve switching');
    expect(textOf(message)).not.toMatch(/<@|<!subteam/);
  });
});

type Button = {
  style?: string;
  text?: unknown;
  confirm?: unknown;
};

function buttons(message: { blocks: unknown[] }): Button[] {
  const actions = message.blocks.find(
    (b) => (b as { type: string }).type === 'actions',
  ) as { elements: Button[] };
  return actions.elements;
}
