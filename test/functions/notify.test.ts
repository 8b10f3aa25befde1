import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NOTIFY_BUDGET_MS, notify } from '../../functions/notify/core.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/functions.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { notificationSchema } from '../../shared/domain/contracts.ts';
import { approvalMessage } from '../../shared/domain/messages/blocks.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { afterDiagnose } from '../fixtures/states.ts';
import { type SlackDouble, startSlackDouble } from '../support/slack-double.ts';

let double: SlackDouble;
beforeAll(async () => {
  double = await startSlackDouble();
});
afterAll(() => double.close());
beforeEach(() => {
  double.calls.length = 0;
});

function ports(store = createMemoryIncidentStore(), slack = double) {
  const client = createSlackWebClient({
    token: 'xoxb-test-token',
    slackApiUrl: slack.url,
    timeoutMs: 2_000,
  });
  return { slack: createSlackPort(client), store, channel: '#langfuse-oncall' };
}

/** The state after Diagnose, in an incident whose thread is open. */
function inThread() {
  return afterDiagnose({
    incident: {
      ...afterDiagnose().incident,
      slackThreadTs: '1763867568.000100',
      slackChannel: 'C0INCIDENT',
    },
  });
}

describe('notify', () => {
  it('posts the finding with its numbers and starts the incident thread', async () => {
    // Prepare
    const store = createMemoryIncidentStore();
    const state = afterDiagnose();
    await store.openOrJoin({
      fileSystemId: FS_ID,
      incidentId: state.incident.incidentId,
      at: state.incident.openedAt,
    });
    // Act
    const out = await notify({ kind: 'finding', state }, ports(store));
    // Assess
    expect(notificationSchema.parse(out)).toEqual(out);
    expect(out.delivered).toBe(true);
    expect(double.calls).toHaveLength(1);
    const call = double.calls[0];
    expect(call?.method).toBe('chat.postMessage');
    expect(call?.body.channel).toBe('#langfuse-oncall');
    const blocksText = JSON.stringify(call?.body.blocks);
    expect(blocksText).toContain('efs-burst-credits-exhausted');
    expect(blocksText).toContain('1.0 MiB/s permitted for 41 min');
    expect(blocksText).toContain(
      '*Ruled out:* ClickHouse merge backlog: max 38 parts in a partition',
    );
    // The caveats go with the costs, once: on the approval card that
    // follows this finding (decision request-approval), not here too.
    expect(blocksText).not.toContain('lock the mode for 24 h');
    expect(JSON.stringify(approvalMessage(state, 'C0').blocks)).toContain(
      'lock the mode for 24 h',
    );
    expect(blocksText).toContain('ClickHouse: unreachable after 5 s');
    // The first message's ts becomes the incident's thread.
    const joined = await store.openOrJoin({
      fileSystemId: FS_ID,
      incidentId: 'other',
      at: 'x',
    });
    expect(joined.slackThreadTs).toBe(out.threadTs);
  });

  it('answers in the incident thread for the outcome', async () => {
    const state = inThread();
    const out = await notify(
      {
        kind: 'outcome',
        state: {
          ...state,
          notification: {
            delivered: true,
            channel: 'C0INCIDENT',
            threadTs: '1763867568.000100',
            messages: [],
          },
          remediation: {
            action: 'switch-to-elastic',
            status: 'applied',
            reason: `switched ${FS_ID} from bursting to elastic`,
            call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
            approvedBy: 'U01APPROVER',
          },
        },
      },
      ports(),
    );
    expect(out.delivered).toBe(true);
    expect(double.calls[0]?.body.thread_ts).toBe('1763867568.000100');
    expect(double.calls[0]?.body.channel).toBe('C0INCIDENT');
    expect(JSON.stringify(double.calls[0]?.body.blocks)).toContain(
      'Remediation applied',
    );
  });

  it('keeps the finding in its output when Slack is down', async () => {
    double.failNext(1, { kind: 'http', status: 500 });
    const out = await notify(
      { kind: 'finding', state: afterDiagnose() },
      ports(),
    );
    expect(out.delivered).toBe(false);
    expect(out.error).toMatch(/500/);
    expect(out.error).not.toContain('xoxb-test-token');
    expect(out.messages[0]?.text).toContain('EFS burst credits exhausted');
  });

  it('posts nothing for a join while the incident has no thread yet', async () => {
    // Prepare: the opener's finding is still to come.
    const { trigger, incident } = afterDiagnose();

    // Act
    const out = await notify(
      {
        kind: 'joined',
        state: { trigger, incident: { ...incident, next: 'joined' } },
      },
      ports(),
    );

    // Assess
    expect(notificationSchema.parse(out)).toEqual(out);
    expect(out).toMatchObject({ delivered: false, messages: [] });
    expect(double.calls).toHaveLength(0);
  });

  it('escapes an alarm name in a failed check and names the Lambda error', async () => {
    // Prepare
    const { trigger, incident } = afterDiagnose();

    // Act
    await notify(
      {
        kind: 'check-failed',
        state: {
          trigger: { ...trigger, state: 'OK', alarmName: 'a<b>&c' },
          incident: { ...incident, slackThreadTs: '1.2', next: 'quiet-check' },
          resolveError: {
            Error: 'AccessDeniedException',
            Cause: JSON.stringify({
              errorType: 'AccessDeniedException',
              errorMessage:
                'not authorized to perform: cloudwatch:DescribeAlarms',
            }),
          },
        },
      },
      ports(),
    );

    // Assess
    expect(double.calls).toHaveLength(1);
    expect(double.calls[0]?.body.thread_ts).toBe('1.2');
    expect(String(double.calls[0]?.body.text)).toBe(
      ':warning: a&lt;b&gt;&amp;c went OK, but the quiet-period check could not be made (AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms). Incident fs-0123456789abcdef0/2026-11-23T03:12:48.554Z/exec-1 stays open; the hourly preflight checks its alarms again within the hour and resolves it here if they are all OK.',
    );
  });
});

describe('notify of a failed step', () => {
  function failed(failedState: string, extra: Record<string, unknown> = {}) {
    const state = inThread();
    return {
      kind: 'failure' as const,
      state: {
        trigger: state.trigger,
        incident: state.incident,
        failure: {
          Error: 'States.Timeout',
          Cause: 'Task timed out after 30.00 seconds',
        },
        failedState,
        ...extra,
      },
    };
  }

  it('says UpdateFileSystem may have been called when the incident claimed the change', async () => {
    // Prepare
    const store = createMemoryIncidentStore();
    const input = failed('Remediate');
    await store.claimModeChange({
      fileSystemId: FS_ID,
      incidentId: input.state.incident.incidentId,
      at: '2026-11-23T03:20:00.000Z',
      lockMs: 24 * 3600_000,
    });
    // Act
    const out = await notify(input, ports(store));
    // Assess
    expect(out.delivered).toBe(true);
    const body = double.calls[0]?.body;
    expect(body?.thread_ts).toBe('1763867568.000100');
    const text = JSON.stringify(body?.blocks);
    expect(text).toContain('burstguard failed at Remediate');
    expect(text).toContain(
      'States.Timeout: Task timed out after 30.00 seconds',
    );
    expect(text).toContain('may have called `UpdateFileSystem');
    // 24 h after the claim, as a Slack date with its UTC fallback.
    expect(text).toContain(
      'no other change before <!date^1795490400^{date_short_pretty} {time}|2026-11-24 03:20 UTC>',
    );
  });

  it('says UpdateFileSystem was not called when no claim was made', async () => {
    const out = await notify(failed('Remediate'), ports());
    expect(out.delivered).toBe(true);
    const text = JSON.stringify(double.calls[0]?.body.blocks);
    expect(text).toContain('UpdateFileSystem was not called');
  });

  it('says the outcome is unknown when the incident store cannot be read', async () => {
    const store = createMemoryIncidentStore();
    store.modeChangeClaim = async () => {
      throw new Error('Rate of requests exceeds the allowed throughput');
    };
    await notify(failed('Remediate'), ports(store));
    const text = JSON.stringify(double.calls[0]?.body.blocks);
    expect(text).toContain('Whether UpdateFileSystem was called is unknown');
    expect(text).toContain('Rate of requests exceeds the allowed throughput');
  });

  it('repeats an applied change when the outcome message itself failed', async () => {
    const input = failed('NotifyOutcome', {
      remediation: {
        action: 'switch-to-elastic',
        status: 'applied',
        reason: 'switched fs from bursting to elastic',
        call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
      },
    });
    await notify(input, ports());
    const text = JSON.stringify(double.calls[0]?.body.blocks);
    expect(text).toContain('burstguard failed at NotifyOutcome');
    expect(text).toContain('Remediation applied');
    expect(text).toContain('Called: `UpdateFileSystem');
  });

  it('keeps the failure in its output when Slack is down', async () => {
    double.failNext(5, { kind: 'platform', error: 'fatal_error' });
    const out = await notify(failed('Verify'), ports());
    expect(out.delivered).toBe(false);
    expect(out.messages[0]?.text).toContain('burstguard failed at Verify');
  });
});

describe('notify: the charts in the thread', () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // A double of its own: faults queued by the tests above stay there.
  let slack: SlackDouble;
  beforeAll(async () => {
    slack = await startSlackDouble();
  });
  afterAll(() => slack.close());

  /** The ports, with the finding's incident open in the store. */
  async function chartPorts(
    renderChart: () => Promise<Uint8Array>,
    deadlineMs?: number,
  ) {
    const store = createMemoryIncidentStore();
    const { incident } = afterDiagnose();
    await store.openOrJoin({
      fileSystemId: FS_ID,
      incidentId: incident.incidentId,
      at: incident.openedAt,
    });
    return {
      ...ports(store, slack),
      charts: {
        port: { renderChart },
        langfuseMetricNamespace: 'Burstguard/Langfuse',
        ...(deadlineMs ? { deadlineMs } : {}),
      },
    };
  }

  beforeEach(() => {
    slack.calls.length = 0;
    slack.sharedFiles.length = 0;
  });

  it("draws no chart when the finding took the step's time", async () => {
    // Prepare: a budget the finding's post alone uses up (Notify's is
    // NOTIFY_BUDGET_MS, under its 20 s Lambda timeout).
    let drawn = 0;
    const chartPortsNoTime = {
      ...(await chartPorts(async () => {
        drawn += 1;
        return PNG;
      })),
      budgetMs: 500,
    };

    // Act
    const out = await notify(
      { kind: 'finding', state: afterDiagnose() },
      chartPortsNoTime,
    );

    // Assess: the finding is posted; no chart is drawn or uploaded.
    expect(out.delivered).toBe(true);
    expect(out.chartError).toBe(
      'no time left for the charts after the finding',
    );
    expect(drawn).toBe(0);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it('keeps the whole step within its budget', () => {
    expect(NOTIFY_BUDGET_MS).toBeLessThan(FUNCTION_TIMEOUT_SECONDS * 1000);
  });

  it("uploads the finding's charts into its thread, after the finding", async () => {
    // Prepare
    const state = afterDiagnose();

    // Act
    const out = await notify(
      { kind: 'finding', state },
      await chartPorts(async () => PNG),
    );

    // Assess
    expect(notificationSchema.parse(out)).toEqual(out);
    expect(out.delivered).toBe(true);
    expect(slack.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(slack.calls.at(-1)?.body).toMatchObject({
      channel_id: out.channel,
      thread_ts: out.threadTs,
    });
    expect(slack.sharedFiles.map((f) => f.filename)).toEqual([
      'throughput.png',
      'burst-credits.png',
      'langfuse-errors.png',
    ]);
    expect(out.charts?.map((c) => c.title)).toEqual([
      `EFS throughput, ${FS_ID}`,
      `EFS burst credit balance, ${FS_ID}`,
      `Langfuse write errors, ${FS_ID}`,
    ]);
    expect(out.chartError).toBeUndefined();
  });

  it('keeps the finding delivered and says so in the thread when a chart cannot be drawn', async () => {
    // Prepare
    const state = afterDiagnose();

    // Act
    const out = await notify(
      { kind: 'finding', state },
      await chartPorts(async () => {
        throw new Error('AccessDenied: not authorized to GetMetricWidgetImage');
      }),
    );

    // Assess
    expect(out.delivered).toBe(true);
    expect(out.chartError).toBe(
      'AccessDenied: not authorized to GetMetricWidgetImage',
    );
    expect(out.charts).toBeUndefined();
    expect(slack.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'chat.postMessage',
    ]);
    const notice = slack.calls[1];
    expect(notice?.body.thread_ts).toBe(out.threadTs);
    expect(String(notice?.body.text)).toContain(
      'The charts could not be attached (AccessDenied: not authorized to GetMetricWidgetImage)',
    );
    expect(slack.sharedFiles).toEqual([]);
  });

  it('gives up on charts that take longer than their deadline', async () => {
    // Prepare
    const state = afterDiagnose();

    // Act
    const out = await notify(
      { kind: 'finding', state },
      await chartPorts(() => new Promise<Uint8Array>(() => {}), 50),
    );

    // Assess
    expect(out.delivered).toBe(true);
    expect(out.chartError).toBe('no charts within 0.05 s');
  });

  it('attaches no chart to any message but the finding', async () => {
    // Prepare
    const state = inThread();
    let drawn = 0;

    // Act
    await notify(
      { kind: 'joined', state },
      await chartPorts(async () => {
        drawn++;
        return PNG;
      }),
    );

    // Assess
    expect(drawn).toBe(0);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });
});
