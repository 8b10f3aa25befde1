/**
 * A hostile EFS Name tag through the whole runbook: the real state machine
 * run locally, the real handlers, the real Slack client posting to the
 * loopback Slack double. The tag and the alarm name carry Slack control
 * sequences (`<!channel>` pings everyone in the channel, `<url|text>` is a
 * link); Slack wants `&`, `<`, `>` sent as `&amp;`, `&lt;`, `&gt;` wherever
 * they are not meant (Slack API docs, "Formatting text for app surfaces",
 * escaping: https://docs.slack.dev/messaging/formatting-message-text), in
 * the blocks and in the `text` of chat.postMessage, which Slack parses as
 * mrkdwn too (docs.slack.dev, chat.postMessage, argument `mrkdwn`).
 */
import { describe, expect, it } from 'vitest';
import { configForRecording } from '../../local/evidence.ts';
import { type LocalPorts, runLocal } from '../../local/state-machine-runner.ts';
import { escapeMrkdwn } from '../../shared/domain/messages/mrkdwn.ts';
import type { AlarmStateValue } from '../../shared/domain/ports.ts';
import { APPROVE_ACTION_ID } from '../../shared/domain/slack/interaction.ts';
import { SCENARIO_END, seedIncident } from '../fixtures/scenarios.ts';
import {
  alarmStatesOf,
  doubleSlackPort,
  recordedRunPorts,
  useSlackDouble,
} from '../support/local-run.ts';
import { textFields, withoutOwnSequences } from '../support/slack-text.ts';

const MINUTE_MS = 60_000;
const NAME = '<!channel> <https://evil.example/approve|Approve here>';
const ALARM = 'burstguard-credits <!here> & <@U0ATTACKER>';
/** Control sequences Slack acts on. */
const CONTROL = /<[!@#]|<https?:/;

const slack = useSlackDouble();

describe('a hostile EFS Name tag in a replayed incident', () => {
  it('appears escaped in the finding, the approval card, the outcome and the resolution', async () => {
    // Prepare: the credits-exhausted incident, its file system named by
    // an attacker, and an alarm name of the same kind.
    const recording = seedIncident();
    const described = recording.describeFileSystems.FileSystems[0];
    if (!described) throw new Error('the scenario describes no file system');
    described.Name = NAME;
    described.Tags = [
      ...(described.Tags ?? []).filter((t) => t.Key !== 'Name'),
      { Key: 'Name', Value: NAME },
    ];
    const event = structuredClone(recording.trigger) as {
      detail: Record<string, unknown> & { state: Record<string, unknown> };
    };
    event.detail.alarmName = ALARM;
    let nowMs = SCENARIO_END.getTime();
    const cloudwatch: Record<string, AlarmStateValue> = {};
    const ports: LocalPorts = {
      ...recordedRunPorts(recording, {
        policy: 'approve',
        now: () => new Date(nowMs),
        slack: doubleSlackPort(slack, 'xoxb-escape'),
      }),
      config: {
        ...configForRecording(recording, { policy: 'approve' }),
        approvers: ['U0APPROVER'],
      },
      alarms: {
        alarmStates: async (names) => alarmStatesOf(cloudwatch, names),
      },
      approver: async () => ({ approved: true, by: 'U0APPROVER' }),
    };
    const ok = structuredClone(event);
    ok.detail.state = {
      ...ok.detail.state,
      value: 'OK',
      timestamp: new Date(SCENARIO_END.getTime() + MINUTE_MS)
        .toISOString()
        .replace('Z', '+0000'),
    };
    ok.detail.previousState = { value: 'ALARM' };

    // Act: the alarm, an approval, the switch; then the OK, the quiet
    // period, every alarm still OK.
    const alarmRun = await runLocal(event, ports);
    cloudwatch[ALARM] = 'OK';
    nowMs = SCENARIO_END.getTime() + MINUTE_MS;
    const okRun = await runLocal(ok, ports);

    // Assess
    expect(alarmRun.status).toBe('SUCCEEDED');
    expect(okRun.status).toBe('SUCCEEDED');
    const posts = slack.calls
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => c.body as { text: string; blocks: unknown[] });
    const finding = posts.find((p) => p.text.includes('burst credits'));
    const card = posts.find((p) =>
      JSON.stringify(p.blocks).includes(`"action_id":"${APPROVE_ACTION_ID}"`),
    );
    const outcome = posts.find((p) => p.text.startsWith('Remediation'));
    const resolved = posts.find((p) => p.text.includes('Resolved:'));
    expect(
      [finding, card, outcome, resolved].map((p) => p !== undefined),
    ).toEqual([true, true, true, true]);
    const shown = (p: unknown) => textFields(p).join('\n');
    // The control sequences meant, which burstguard writes itself: the
    // approver's mention from a checked user id, and its console links and
    // Slack dates (the hostile alarm name reaches a link percent-encoded).
    for (const post of posts) {
      for (const text of textFields(post)) {
        expect(
          withoutOwnSequences(text, { users: ['U0APPROVER'] }),
        ).not.toMatch(CONTROL);
      }
    }
    expect(shown(finding)).toContain(
      '#alarmsV2:alarm/burstguard-credits%20%3C%21here%3E%20%26%20%3C%40U0ATTACKER%3E|alarm>',
    );
    expect(shown(finding)).toContain(escapeMrkdwn(NAME));
    expect(shown(finding)).toContain(escapeMrkdwn(ALARM));
    expect(shown(card)).toContain(escapeMrkdwn(NAME));
    expect(shown(outcome)).toContain('Approved by <@U0APPROVER>');
    expect(shown(resolved)).toContain(escapeMrkdwn(ALARM));
  });
});
