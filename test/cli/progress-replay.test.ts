/**
 * `burstguard replay --json` tells the story in the order it happens:
 * under `--policy auto` the thread says the switch is made before the
 * verified outcome, and the root message's status line is edited
 * (chat.update, docs.slack.dev/reference/methods/chat.update) at each
 * step, listed in `slackUpdates`.
 */
import { describe, expect, it } from 'vitest';
import { replayScenario, useTempDirs } from '../support/io.ts';

const END = new Date('2026-11-23T03:12:00Z');
const tempDir = useTempDirs();

async function replayJson(...flags: string[]) {
  const { code, out, err } = await replayScenario(
    tempDir,
    'credits-exhausted',
    END,
    ['--json', ...flags],
  );
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as {
    slack: { text: string; threadTs?: string; blocks: unknown[] }[];
    slackDelivery: { step: string; delivered: boolean }[];
    slackUpdates: { step: string; update: { text: string; ts: string } }[];
    remediation: { status: string };
  };
}

describe('replay --json --policy auto', () => {
  it('says the switch is made before the verified outcome', async () => {
    // Act
    const report = await replayJson('--policy', 'auto');

    // Assess
    expect(report.remediation.status).toBe('applied');
    const texts = report.slack.map((m) => m.text);
    const switching = texts.findIndex((t) => /Switching now/.test(t));
    const outcome = texts.findIndex((t) => /Remediation applied/.test(t));
    expect(switching).toBeGreaterThan(0);
    expect(outcome).toBeGreaterThan(switching);
    expect(report.slackDelivery[switching]).toEqual({
      step: 'NotifySwitching',
      delivered: true,
    });
    expect(report.slackDelivery[outcome]?.step).toBe('NotifyOutcome');
    expect(JSON.stringify(report.slack[outcome]?.blocks)).toMatch(
      /Did it work\?/,
    );
  });

  it('lists the edits of the root status line, in order, on the root message', async () => {
    // Act
    const report = await replayJson('--policy', 'auto');

    // Assess
    expect(report.slackUpdates.map((u) => u.step)).toEqual([
      'NotifySwitching',
      'NotifyOutcome',
    ]);
    const rootTs = report.slack[1]?.threadTs;
    expect(rootTs).toBeDefined();
    for (const { update } of report.slackUpdates) {
      expect(update.ts).toBe(rootTs);
    }
    expect(report.slackUpdates[0]?.update.text).toMatch(/switching to elastic/);
  });
});
