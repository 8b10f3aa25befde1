/**
 * The thread in the terminal (`demo`, `replay`): ids as written, so a
 * file system id copies and pastes; links with their addresses; Slack
 * dates as their plain fallback; the Approve button's confirmation.
 */
import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../local/terminal-render.ts';
import {
  approvalMessage,
  findingMessage,
} from '../../shared/domain/messages/blocks.ts';
import { logsInsightsUrl } from '../../shared/domain/messages/console-links.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { afterDiagnose } from '../fixtures/states.ts';

const CTX = { logGroups: ['/ecs/langfuse_worker*'] };

describe('the terminal rendering', () => {
  it('keeps the file system id in the header as written', () => {
    // Act
    const text = renderMessage(findingMessage(afterDiagnose(), 'C0'), {
      color: false,
    });

    // Assess
    const header = text.split('\n')[1];
    expect(header).toBe(`| EFS burst credits exhausted: ${FS_ID}`);
    expect(text).not.toContain(FS_ID.toUpperCase());
  });

  it('shows each link with its address, untouched by the bold and italic rules', () => {
    // Prepare: a Logs Insights address is full of `*` and `_`.
    const state = afterDiagnose();
    const url = logsInsightsUrl(state.trigger.region, CTX.logGroups, {
      start: state.trigger.windowStart,
      end: state.trigger.windowEnd,
    });

    // Act
    const plain = renderMessage(findingMessage(state, 'C0', undefined, CTX), {
      color: false,
    });
    const color = renderMessage(findingMessage(state, 'C0', undefined, CTX), {
      color: true,
    });

    // Assess
    expect(plain).toContain(`Langfuse logs ${url}`);
    expect(color).toContain(`\x1b]8;;${url}\x1b\\Langfuse logs\x1b]8;;\x1b\\`);
  });

  it('shows Slack dates as their UTC fallback', () => {
    const text = renderMessage(findingMessage(afterDiagnose(), 'C0'), {
      color: false,
    });

    expect(text).toContain(
      'window 2026-11-23 00:12 UTC to 2026-11-23 03:12 UTC (180 min)',
    );
    expect(text).not.toContain('<!date');
  });

  it("shows what the Approve button's confirmation says", () => {
    const text = renderMessage(approvalMessage(afterDiagnose(), 'C0'), {
      color: false,
    });

    expect(text).toContain('[ Approve: switch to Elastic ]  [ Decline ]');
    expect(text).toContain(
      `"Approve: switch to Elastic" asks first: Switch ${FS_ID}? UpdateFileSystem ${FS_ID} ThroughputMode=elastic`,
    );
  });
});
