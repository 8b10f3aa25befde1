/**
 * The finding as a person reads it at 3 am: the headline first, then the
 * findings; what was ruled out on one line, without scores; costs once,
 * and only where a storage change is the fix; a healthy result that reads
 * as healthy; the missing evidence in words; numbers with thousands
 * separators; times as Slack dates with a plain UTC fallback (Slack API
 * docs, "Formatting text for app surfaces", date formatting:
 * `<!date^UNIX^TOKENS|fallback>`); links into the console.
 * Diagnoses come from the real engine on the built-in scenarios.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioName } from '../../local/scenarios.ts';
import type { AfterDiagnose } from '../../shared/domain/contracts.ts';
import {
  approvalMessage,
  findingMessage,
} from '../../shared/domain/messages/blocks.ts';
import { scenarioDiagnosis } from '../fixtures/scenarios.ts';
import { afterDiagnose } from '../fixtures/states.ts';
import { textFields } from '../support/slack-text.ts';

const EXECUTION =
  'arn:aws:states:us-east-1:123456789012:execution:burstguard:run-1';

/** The state after Diagnose for a scenario, with the given next step. */
async function diagnosed(
  name: ScenarioName,
  next: AfterDiagnose['result']['decision']['next'],
): Promise<AfterDiagnose> {
  const { diagnosis, recommendation } = await scenarioDiagnosis(name);
  return {
    ...afterDiagnose(),
    executionArn: EXECUTION,
    result: {
      diagnosis,
      recommendation,
      decision: { next, reason: 'policy is approve' },
    },
  };
}

/** The text of each block, in order. */
function sections(message: { blocks: unknown[] }): string[] {
  return message.blocks.map((b) => textFields(b).join(' '));
}

const COST_LINE = /• (Elastic|Provisioned \d[\d,]* MiB\/s|Bursting): \$/;

describe('the finding', () => {
  it('starts with the headline sentence, then the findings', async () => {
    // Prepare
    const state = await diagnosed('credits-exhausted', 'request-approval');

    // Act
    const [, first, second] = sections(findingMessage(state, 'C0'));

    // Assess
    expect(first?.startsWith(state.result.diagnosis.headline)).toBe(true);
    expect(second).toContain('*What is wrong*');
    expect(second).toContain(`• ${state.result.diagnosis.findings[0]}`);
  });

  it('rules the runners-up out on one line, without scores', async () => {
    // Prepare
    const state = await diagnosed('credits-exhausted', 'request-approval');

    // Act
    const text = sections(findingMessage(state, 'C0'));

    // Assess
    const ruled = text.filter((t) => t.includes('Ruled out'));
    expect(ruled).toHaveLength(1);
    expect(ruled[0]).not.toContain('\n');
    expect(ruled[0]).toMatch(/^\*Ruled out:\* [A-Z]/);
    expect(ruled[0]).toContain(
      'EFS burst credits draining: credits are already exhausted (0 B)',
    );
    const all = text.join('\n');
    expect(all).not.toMatch(/score|scored \d/);
    expect(all).not.toContain('What it is not');
  });

  it('names a runner-up with no evidence of its own without a reason', () => {
    // Prepare: the engine's stand-in when a runner-up has nothing against it.
    const state = afterDiagnose();
    state.result.diagnosis.ranked = [
      ...state.result.diagnosis.ranked,
      {
        verdict: 'efs-io-limit',
        score: 0,
        evidenceFor: [],
        evidenceAgainst: [
          'scored 0.00 against 0.95 for efs-burst-credits-exhausted',
        ],
      },
    ];

    // Act
    const text = sections(findingMessage(state, 'C0')).join('\n');

    // Assess
    expect(text).toContain(
      '*Ruled out:* ClickHouse merge backlog: max 38 parts in a partition, far below 1000; EFS at its IO limit\n',
    );
    expect(text).not.toContain('scored 0.00 against 0.95');
  });

  it('shows the baseline once', async () => {
    // Prepare
    const state = await diagnosed('credits-exhausted', 'request-approval');

    // Act
    const text = sections(findingMessage(state, 'C0')).join('\n');

    // Assess
    expect(text.match(/baseline/g)).toHaveLength(1);
  });

  it('leaves the costs to the approval card that follows it', async () => {
    // Prepare
    const state = await diagnosed('credits-exhausted', 'request-approval');

    // Act
    const finding = sections(findingMessage(state, 'C0')).join('\n');
    const card = sections(approvalMessage(state, 'C0')).join('\n');

    // Assess
    expect(finding).not.toMatch(COST_LINE);
    expect(finding).not.toContain('/month');
    expect(card).toMatch(COST_LINE);
  });

  it('shows the costs itself when no card follows', async () => {
    // Prepare
    const state = await diagnosed('credits-exhausted', 'done');

    // Act
    const finding = sections(findingMessage(state, 'C0')).join('\n');

    // Assess: once each, with thousands separators.
    expect(finding.match(/• Elastic: \$/g)).toHaveLength(1);
    expect(finding).toMatch(/• Elastic: \$\d+\/month \([\d,]+\.\d GB read/);
    expect(finding).toContain('1,253.4 GB read');
  });

  it('shows no EFS costs for a ClickHouse verdict', async () => {
    // Prepare
    const state = await diagnosed('merge-backlog', 'done');
    expect(state.result.diagnosis.verdict).toBe('clickhouse-merge-backlog');

    // Act
    const finding = sections(findingMessage(state, 'C0')).join('\n');

    // Assess
    expect(finding).not.toMatch(COST_LINE);
    expect(finding).not.toContain('/month');
    expect(finding).not.toContain('Prices:');
  });

  it('reads a healthy result as healthy', async () => {
    // Prepare
    const state = await diagnosed('healthy-blip', 'done');
    expect(state.result.diagnosis.verdict).toBe('no-storage-problem');

    // Act
    const finding = sections(findingMessage(state, 'C0')).join('\n');

    // Assess
    expect(finding).not.toContain('What is wrong');
    expect(finding).toContain('*What was checked*');
    expect(state.result.recommendation.action).toBe('none');
    expect(finding).not.toContain('The fix');
  });

  it('names the missing evidence in words, not ids or file names', () => {
    // Prepare
    const state = afterDiagnose();
    state.result.diagnosis.gaps = [
      'EFS metrics missing: burst_credit_balance, percent_io_limit',
      'ClickHouse queries unavailable: part_log (table missing); merges (timeout)',
      'ClickHouse: clickhouse/error.txt says Code: 516',
    ];

    // Act
    const text = sections(findingMessage(state, 'C0')).find((t) =>
      t.startsWith('*Could not check*'),
    );

    // Assess
    expect(text).toBe(
      [
        '*Could not check*',
        '• EFS metrics not available: burst credit balance, IO limit (PercentIOLimit)',
        '• ClickHouse could not be asked for: part history (table missing); running merges (timeout)',
        "• ClickHouse: ClickHouse's error says Code: 516",
      ].join('\n'),
    );
  });

  it('writes the window as Slack dates with a plain UTC fallback', () => {
    // Prepare
    const state = afterDiagnose();

    // Act
    const text = sections(findingMessage(state, 'C0')).join('\n');

    // Assess: 2026-11-23T00:12:48.554Z is 1795392768 s after the epoch.
    expect(text).toContain(
      'window <!date^1795392768^{date_short_pretty} {time}|2026-11-23 00:12 UTC> to <!date^1795403568^{date_short_pretty} {time}|2026-11-23 03:12 UTC> (180 min)',
    );
    // No raw ISO time besides the one inside the incident's id.
    const withoutId = text.replace(state.incident.incidentId, '');
    expect(withoutId).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });

  it('links the alarm, the file system, the execution and the logs', () => {
    // Prepare
    const state = { ...afterDiagnose(), executionArn: EXECUTION };

    // Act
    const message = findingMessage(state, 'C0', undefined, {
      logGroups: ['/ecs/langfuse-worker'],
    });

    // Assess
    const last = sections(message).at(-1) ?? '';
    const labels = [...last.matchAll(/<https:\/\/[^|>]+\|([^>]+)>/g)].map(
      (m) => m[1],
    );
    expect(labels).toEqual([
      'alarm',
      'file system',
      'execution',
      'Langfuse logs',
    ]);
    expect(last).toContain(
      `<https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${encodeURIComponent(EXECUTION)}|execution>`,
    );
  });
});
