/**
 * The weekly run and its Slack digest, on simulated 14-day recordings read
 * through the recording ports: one line per file system, the call or the
 * buttons, the prices' origin said, snoozed and failing file systems named,
 * hostile names escaped (Slack API docs, "Formatting text for app
 * surfaces": `&`, `<`, `>` as entities), and within what Slack accepts
 * (test/support/slack-limits.ts, from the Block Kit reference).
 */
import { describe, expect, it } from 'vitest';
import {
  type AdvisorPorts,
  runAdvisor,
  startQueuedApplies,
} from '../../functions/advisor/core.ts';
import {
  type AdvisorRecordingName,
  advisorRecording,
} from '../../local/advisor-recordings.ts';
import {
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import {
  adviceDigestMessage,
  packLines,
} from '../../shared/domain/messages/advice.ts';
import { md } from '../../shared/domain/messages/mrkdwn.ts';
import type {
  AdviceApplyRequest,
  AdvisorStore,
  EfsPort,
  MetricsPort,
} from '../../shared/domain/ports.ts';
import { priceTable } from '../../shared/domain/pricing.ts';
import {
  ADVICE_APPLY_ACTION_ID,
  ADVICE_SNOOZE_ACTION_ID,
  decodeAdviceValue,
} from '../../shared/domain/slack/advice-actions.ts';
import { testConfig } from '../fixtures/config.ts';
import { blockProblems } from '../support/slack-limits.ts';
import { textFields, withoutOwnSequences } from '../support/slack-text.ts';

const END = new Date('2026-11-23T00:00:00Z');
const HOSTILE_NAME = '<!channel> <https://evil.example|Approve here> & co';

/** Several recordings as one AWS: each file system id its own recording. */
function world(systems: Record<string, AdvisorRecordingName>) {
  const recordings = Object.fromEntries(
    Object.entries(systems).map(([id, name]) => {
      const r = advisorRecording(name, { end: END, fileSystemId: id });
      const fs = r.describeFileSystems.FileSystems[0];
      if (fs) fs.Name = HOSTILE_NAME;
      return [id, r];
    }),
  );
  const efs: Pick<EfsPort, 'describeFileSystem'> = {
    async describeFileSystem(id) {
      const r = recordings[id];
      if (!r) throw new Error(`FileSystemNotFound: ${id}`);
      return recordingEfsPort(r).describeFileSystem(id);
    },
  };
  const metrics: MetricsPort = {
    resolutionSeconds: 60,
    async getMetricData(request) {
      const id = request.queries[0]?.dimensions.FileSystemId ?? '';
      const r = recordings[id];
      return r ? recordingMetricsPort(r).getMetricData(request) : [];
    },
  };
  return { efs, metrics };
}

function memoryStore(snoozed: Record<string, string> = {}) {
  const applies = new Map<string, AdviceApplyRequest>();
  const store: AdvisorStore & { applies: typeof applies } = {
    applies,
    async cachedPrices() {
      return undefined;
    },
    async cachePrices() {},
    async snoozedUntil(id) {
      return snoozed[id];
    },
    async snooze() {},
    async requestApply({ fileSystemId, ...request }) {
      applies.set(fileSystemId, request);
    },
    async pendingApply(id) {
      return applies.get(id);
    },
    async clearApply({ fileSystemId, at }) {
      if (applies.get(fileSystemId)?.at === at) applies.delete(fileSystemId);
    },
  };
  return store;
}

const A = 'fs-0a1b2c3d4e5f67890';
const B = 'fs-0b1b2c3d4e5f67890';
const C = 'fs-0c1b2c3d4e5f67890';
const D = 'fs-0d1b2c3d4e5f67890';

async function weeklyRun(overrides: Partial<AdvisorPorts> = {}) {
  const posted: SlackMessage[] = [];
  const config = testConfig({
    fileSystems: [
      { fileSystemId: A, remediationAllowed: true },
      { fileSystemId: B, remediationAllowed: true },
      { fileSystemId: C, remediationAllowed: false },
      { fileSystemId: D },
      { fileSystemId: 'fs-0e1b2c3d4e5f67890' },
    ] as never,
  });
  const { efs, metrics } = world({
    [A]: 'steady-elastic',
    [B]: 'spiky-elastic',
    [C]: 'bursting-worst-day',
    [D]: 'steady-elastic',
  });
  const report = await runAdvisor({
    efs,
    metrics,
    config,
    clock: { now: () => END },
    slack: {
      async postMessage(message) {
        posted.push(message);
        return { channel: 'C0ONCALL', ts: '1700000000.000100' };
      },
    },
    store: memoryStore({ [D]: '2026-12-21T00:00:00.000Z' }),
    prices: async () => ({
      table: (({ fallback: _f, ...t }) => t)(priceTable('us-east-1')),
      origin: 'built-in',
      note: 'offline: the Price List API was not asked; using the built-in table of 2026-11-01',
    }),
    ...overrides,
  });
  return { report, posted };
}

describe('the weekly run', () => {
  it('advises each file system, skips the snoozed one and names the failing one', async () => {
    const { report, posted } = await weeklyRun();

    expect(report.results.map((r) => [r.fileSystemId, r.outcome])).toEqual([
      [A, 'advised'],
      [B, 'advised'],
      [C, 'advised'],
      [D, 'snoozed'],
      ['fs-0e1b2c3d4e5f67890', 'failed'],
    ]);
    expect(report.posted).toBe(true);
    expect(posted).toHaveLength(1);
    const text = textFields(posted[0]).join('\n');
    expect(text).toMatch(/2 of 5 file systems could change mode/);
    expect(text).toMatch(/snoozed until 2026-12-21/);
    expect(text).toMatch(
      /fs-0e1b2c3d4e5f67890`: no advice \(FileSystemNotFound/,
    );
    // Offline prices are named as the built-in table.
    expect(text).toMatch(/built-in table\*, not the Price List API/);
  });

  it('offers the exact call for Provisioned, and Snooze, but no Apply', async () => {
    const { posted } = await weeklyRun();
    const blocks = posted[0]?.blocks ?? [];
    const actions = blocks.filter(
      (b) => (b as { type?: string }).type === 'actions',
    ) as {
      block_id: string;
      elements: { action_id: string; value: string }[];
    }[];
    const ofA = actions.find((a) => a.block_id === `advice-${A}`);
    expect(ofA?.elements.map((e) => e.action_id)).toEqual([
      ADVICE_SNOOZE_ACTION_ID,
    ]);
    expect(decodeAdviceValue(ofA?.elements[0]?.value ?? '')).toEqual({
      fileSystemId: A,
      weeks: 4,
    });
    const text = textFields(posted[0]).join('\n');
    expect(text).toContain(
      `aws efs update-file-system --file-system-id ${A} --throughput-mode provisioned --provisioned-throughput-in-mibps`,
    );
    // The spiky file system keeps Elastic: nothing to press.
    expect(actions.find((a) => a.block_id === `advice-${B}`)).toBeUndefined();
  });

  it('escapes a hostile Name tag and stays within what Slack accepts', async () => {
    const { posted } = await weeklyRun();
    const message = posted[0] as SlackMessage;
    for (const field of textFields(message)) {
      expect(withoutOwnSequences(field)).not.toMatch(/<[!@#h]/);
    }
    expect(textFields(message).join('\n')).toContain('&lt;!channel&gt;');
    expect(blockProblems(message.blocks)).toEqual([]);
  });

  it('keeps the digest in the report when Slack refuses it', async () => {
    const { report } = await weeklyRun({
      slack: {
        async postMessage() {
          throw new Error('channel_not_found');
        },
      },
    });
    expect(report.posted).toBe(false);
    expect(report.slackError).toMatch(/channel_not_found/);
    expect(report.message?.text).toMatch(/Weekly EFS throughput advice/);
  });
});

describe('the Apply button in the digest', () => {
  it('is offered for a switch to Elastic on an allowlisted file system only', async () => {
    const { report } = await weeklyRun();
    const advised = report.results.flatMap((r) =>
      r.outcome === 'advised' ? [r] : [],
    );
    const toElastic = advised.map((r) => ({
      ...r,
      advice: {
        ...r.advice,
        recommendation: {
          ...r.advice.recommendation,
          mode: 'elastic' as const,
          action: 'switch' as const,
        },
      },
    }));
    const message = adviceDigestMessage({
      results: toElastic,
      channel: '#oncall',
      snoozeWeeks: 2,
      remediationAllowed: { [A]: true, [B]: true, [C]: false },
      prices: { table: priceTable('us-east-1'), origin: 'built-in' },
    });
    const apply = (message.blocks ?? []).flatMap((b) =>
      (
        (b as { elements?: { action_id?: string; value?: string }[] })
          .elements ?? []
      ).filter((e) => e.action_id === ADVICE_APPLY_ACTION_ID),
    );
    expect(apply.map((e) => decodeAdviceValue(e.value ?? ''))).toEqual([
      { fileSystemId: A, mode: 'elastic' },
      { fileSystemId: B, mode: 'elastic' },
    ]);
    // Slack refuses the whole message when a confirmation dialog's text is
    // over 300 characters (Block Kit reference, "Confirmation dialog
    // object"): the digest that offers Apply must pass the checker.
    expect(blockProblems(message.blocks)).toEqual([]);
    // The 24 h rule the dialog no longer repeats in full is on the line.
    const text = textFields(message).join('\n');
    expect(text).toContain(
      toElastic[0]?.advice.recommendation.rule24h ?? 'a 24 h rule',
    );
  });
});

/** A store with one Apply queued for A by the approver. */
async function queuedForA() {
  const store = memoryStore();
  await store.requestApply({
    fileSystemId: A,
    mode: 'elastic',
    by: 'U01APPROVER',
    at: '2026-11-22T23:58:00.000Z',
  });
  return store;
}

describe('the queued Applies', () => {
  it('start one run each with the advice in its input, and are forgotten once started', async () => {
    const store = await queuedForA();
    const started: { name: string; input: string }[] = [];
    const results = await startQueuedApplies({
      config: testConfig({ fileSystems: [{ fileSystemId: A }] as never }),
      clock: { now: () => END },
      store,
      executions: {
        async startExecution(input) {
          started.push(input);
          return {
            executionArn: `arn:aws:states:us-east-1:123456789012:execution:runbook:${input.name}`,
          };
        },
      },
    });
    expect(results).toHaveLength(1);
    expect(results[0]?.outcome).toBe('started');
    expect(started).toHaveLength(1);
    expect(started[0]?.name).toMatch(
      /^advice-fs-0a1b2c3d4e5f67890-2026-11-23T00-00-00-000Z$/,
    );
    expect(JSON.parse(started[0]?.input ?? '{}')).toEqual({
      fileSystemId: A,
      note: 'weekly advice: switch to Elastic, asked by U01APPROVER',
      advice: { mode: 'elastic', requestedBy: 'U01APPROVER' },
    });
    expect(await store.pendingApply(A)).toBeUndefined();
  });

  it('keeps a request whose run could not start, for the next check', async () => {
    const store = await queuedForA();
    const results = await startQueuedApplies({
      config: testConfig({ fileSystems: [{ fileSystemId: A }] as never }),
      clock: { now: () => END },
      store,
      executions: {
        async startExecution() {
          throw new Error('ExecutionLimitExceeded');
        },
      },
    });
    expect(results).toEqual([
      { fileSystemId: A, outcome: 'failed', detail: 'ExecutionLimitExceeded' },
    ]);
    expect(await store.pendingApply(A)).toMatchObject({ mode: 'elastic' });
  });
});

describe('a digest of 50 file systems', () => {
  it('names every file system, or counts it in "and N more", within 50 blocks and Slack\'s section limit', async () => {
    const { report } = await weeklyRun();
    const advised = report.results.flatMap((r) =>
      r.outcome === 'advised' ? [r] : [],
    );
    // 50 file systems from the three advised ones, each with its own id
    // and the hostile Name tag (escaped, it is longer than written):
    // 42 advised, 4 snoozed, 4 failing with a long reason.
    const ids = Array.from(
      { length: 50 },
      (_, i) => `fs-${i.toString(16).padStart(2, '0')}1b2c3d4e5f67890`,
    );
    const results = ids.map((id, i) => {
      if (i >= 46) {
        return {
          fileSystemId: id,
          outcome: 'failed' as const,
          reason: `AccessDenied: ${'not authorized to perform elasticfilesystem:DescribeFileSystems '.repeat(4)}`,
        };
      }
      if (i >= 42) {
        return {
          fileSystemId: id,
          outcome: 'snoozed' as const,
          until: '2026-12-21T00:00:00.000Z',
        };
      }
      const r = advised[i % advised.length] as (typeof advised)[number];
      return {
        ...r,
        fileSystemId: id,
        advice: { ...r.advice, fileSystemId: id },
      };
    });
    const message = adviceDigestMessage({
      results,
      channel: '#oncall',
      snoozeWeeks: 4,
      remediationAllowed: Object.fromEntries(ids.map((id) => [id, true])),
      prices: { table: priceTable('us-east-1'), origin: 'built-in' },
    });
    expect(blockProblems(message.blocks)).toEqual([]);
    const text = textFields(message).join('\n');
    const shown = ids.filter((id) => text.includes(id));
    const more =
      /and (\d+) more file systems?: `burstguard advise --file-system ID`/.exec(
        text,
      );
    expect(shown.length + Number(more?.[1] ?? 0)).toBe(50);
    // Nothing clipped away unseen: no block ends in the clipping ellipsis.
    expect(text).not.toMatch(/…$/m);
  });
});

describe('packing the shared lines', () => {
  it('fills each block under the limit and counts what the budget cannot hold', () => {
    // 40 lines of 705 or 706 characters: four take at most 4 × 706 + 3
    // newlines = 2,827 characters, under the 2,900 kept per block, five
    // would take 3,529 or more; so 3 blocks show 12 lines and count 28 more (the
    // last block keeps room for that line: 2,823 + 1 + 61 < 2,900).
    const lines = Array.from({ length: 40 }, (_, i) => ({
      line: md`${'x'.repeat(700)} ${`fs-${i}`}`,
      kind: 'section' as const,
    }));
    const blocks = packLines(lines, 3) as { text: { text: string } }[];
    expect(blocks).toHaveLength(3);
    const text = blocks.map((b) => b.text.text).join('\n');
    expect(text.match(/fs-\d+/g)).toHaveLength(12);
    expect(blocks[2]?.text.text).toMatch(
      /\nand 28 more file systems: `burstguard advise --file-system ID`$/,
    );
    expect(blockProblems(blocks)).toEqual([]);
  });
});
