/**
 * `burstguard replay --json` tells the story in the order it happens:
 * under `--policy auto` the thread says the switch is made before the
 * verified outcome, and the root message's status line is edited
 * (chat.update, docs.slack.dev/reference/methods/chat.update) at each
 * step, listed in `slackUpdates`.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { writeRecording } from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { capture, useTempDirs } from '../support/io.ts';

const END = new Date('2026-11-23T03:12:00Z');
const tempDir = useTempDirs();

async function replayJson(...flags: string[]) {
  const dir = await tempDir('burstguard-progress-');
  await writeRecording(
    dir,
    simulateScenario('credits-exhausted', { end: END }),
  );
  const { out, err, io } = capture();
  const code = await main(['replay', dir, '--json', ...flags], io);
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join('')) as {
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
