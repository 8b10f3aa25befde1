/**
 * Slack refusing a message must not lose the finding. The real state
 * machine runs locally (aws-local-stepfunctions) with the real handlers and
 * the real Slack client against the loopback Slack double, which refuses
 * what Slack refuses (test/support/slack-limits.ts: Block Kit and
 * chat.postMessage references). The finding then stays in the execution
 * output (Notify's `notification`, with the message whole) and in the
 * Notify function's structured log, and both say the post failed.
 */
import { describe, expect, it } from 'vitest';
import { runRecording } from '../../local/run-recording.ts';
import { runLocal } from '../../local/state-machine-runner.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import type { SlackPort } from '../../shared/domain/ports.ts';
import { seedIncident } from '../fixtures/scenarios.ts';
import {
  doubleSlackPort,
  recordedRunPorts,
  useSlackDouble,
} from '../support/local-run.ts';
import { captureLogs } from '../support/log-capture.ts';

const slack = useSlackDouble();

function setup(wrap: (port: SlackPort) => SlackPort = (p) => p) {
  const recording = seedIncident();
  const real = doubleSlackPort(slack, 'xoxb-refused', {
    sleep: async () => undefined,
  });
  // Policy off: the run posts the finding and ends.
  const ports = recordedRunPorts(recording, {
    policy: 'off',
    slack: wrap(real),
  });
  return { ports, input: { fileSystemId: recording.meta.fileSystemId } };
}

/** The finding padded to `count` blocks with dividers. */
function padded(count: number) {
  return (port: SlackPort): SlackPort => ({
    ...port,
    async postMessage(message: SlackMessage) {
      const blocks = [...message.blocks];
      while (blocks.length < count) blocks.push({ type: 'divider' });
      return port.postMessage({ ...message, blocks });
    },
  });
}

type Notification = {
  delivered: boolean;
  error?: string;
  messages: SlackMessage[];
};

async function run(wrap?: (port: SlackPort) => SlackPort) {
  const { ports, input } = setup(wrap);
  const logs = captureLogs();
  const result = await runLocal(input, ports, { logger: logs.logger });
  if (result.status !== 'SUCCEEDED') {
    throw new Error(`run ${result.status}: ${result.error} ${result.cause}`);
  }
  const output = result.output as {
    notification: Notification;
    result: { diagnosis: { verdict: string; headline: string } };
  };
  const failed = logs.lines.filter(
    (l) => l.message === 'Slack delivery failed; the message is kept here',
  );
  return { output, failed, lines: logs.lines };
}

describe('a finding Slack refuses', () => {
  it('keeps the finding in the execution output and the log when a 51-block message is refused with invalid_blocks', async () => {
    // Act
    const { output, failed } = await run(padded(51));

    // Assess: Slack saw 51 blocks and refused them.
    const post = slack.calls.find((c) => c.method === 'chat.postMessage');
    expect(post?.body.blocks).toHaveLength(51);
    expect(output.notification.delivered).toBe(false);
    expect(output.notification.error).toMatch(/invalid_blocks/);
    // The finding, whole, in the execution output.
    expect(output.result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    const kept = output.notification.messages[0] as SlackMessage;
    expect(kept.text).toContain('EFS burst credits exhausted');
    expect(JSON.stringify(kept.blocks)).toContain(
      '`efs-burst-credits-exhausted`',
    );
    // And in the log, saying the post failed.
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: 'ERROR',
      service: 'notify',
      kind: 'finding',
    });
    expect(String(failed[0]?.error)).toMatch(/invalid_blocks/);
    expect(String(failed[0]?.text)).toContain('EFS burst credits exhausted');
  });

  it('keeps the finding when the text is over 40,000 characters (msg_too_long)', async () => {
    // Act
    const { output, failed } = await run((port) => ({
      ...port,
      postMessage: (m) => port.postMessage({ ...m, text: 'x'.repeat(40_001) }),
    }));

    // Assess
    expect(output.notification.delivered).toBe(false);
    expect(output.notification.error).toMatch(/msg_too_long/);
    expect(output.notification.messages[0]?.text).toContain(
      'EFS burst credits exhausted',
    );
    expect(String(failed[0]?.error)).toMatch(/msg_too_long/);
  });

  it('keeps the finding when the app is not in the channel (not_in_channel)', async () => {
    // Prepare
    slack.leaveChannel('#burstguard');
    slack.leaveChannel('#incidents');

    // Act
    const { output, failed } = await run((port) => ({
      ...port,
      postMessage: (m) => {
        slack.leaveChannel(m.channel);
        return port.postMessage(m);
      },
    }));

    // Assess
    expect(output.notification.delivered).toBe(false);
    expect(output.notification.error).toMatch(/not_in_channel/);
    expect(failed).toHaveLength(1);
  });

  it('keeps the finding when Slack keeps answering 429 with Retry-After', async () => {
    // Prepare: more 429s than the port retries.
    slack.failNext(10, { kind: 'rate-limit', retryAfterSeconds: 1 });

    // Act
    const { output, failed } = await run();

    // Assess: the port retried, then gave up; nothing is lost.
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.length).toBeGreaterThan(1);
    expect(output.notification.delivered).toBe(false);
    expect(output.notification.error).toMatch(/rate limited/);
    expect(output.notification.messages[0]?.text).toContain(
      'EFS burst credits exhausted',
    );
    expect(String(failed[0]?.text)).toContain('EFS burst credits exhausted');
  });

  it('posts the same finding when Slack takes it', async () => {
    // Act
    const { output, failed, lines } = await run();

    // Assess: the control: without a refusal the finding is delivered.
    expect(output.notification.delivered).toBe(true);
    expect(failed).toEqual([]);
    expect(lines.some((l) => l.message === 'posted to Slack')).toBe(true);
  });
});

describe('the --json report of a run whose Slack post failed', () => {
  it('says the finding was not delivered and keeps it', async () => {
    // Prepare: the replay's Slack is the double, which refuses 51 blocks.
    const recording = seedIncident();
    const real = doubleSlackPort(slack, 'xoxb-refused');

    // Act
    const report = await runRecording(recording, {
      policy: 'off',
      write: () => undefined,
      color: false,
      slack: padded(51)(real),
    });

    // Assess: the JSON a user scripts against says so, and holds the finding.
    const json = JSON.parse(JSON.stringify(report));
    expect(json.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(json.slackDelivery[0]).toMatchObject({
      step: 'Notify',
      delivered: false,
    });
    expect(json.slackDelivery[0].error).toMatch(/invalid_blocks/);
    expect(json.slack[0].text).toContain('EFS burst credits exhausted');
    expect(json.execution.status).toBe('SUCCEEDED');
  });

  it('says each post was delivered when Slack took it', async () => {
    // Prepare
    const recording = seedIncident();

    // Act
    const report = await runRecording(recording, {
      policy: 'off',
      write: () => undefined,
      color: false,
    });

    // Assess
    expect(report.slackDelivery.length).toBeGreaterThan(0);
    expect(report.slackDelivery.every((d) => d.delivered)).toBe(true);
    expect(report.slackDelivery.length).toBe(report.slack.length);
  });
});
