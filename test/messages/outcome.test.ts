import { describe, expect, it } from 'vitest';
import type {
  AfterRemediate,
  Remediation,
} from '../../shared/domain/contracts.ts';
import { outcomeMessage } from '../../shared/domain/messages/blocks.ts';
import { afterDiagnose } from '../fixtures/states.ts';

function outcomeText(remediation: Remediation): string {
  const state: AfterRemediate = {
    ...afterDiagnose(),
    notification: { delivered: true, channel: '#c', messages: [] },
    remediation,
  };
  return JSON.stringify(outcomeMessage(state, '#c').blocks);
}

describe('the outcome message', () => {
  it("names burstguard's own 24 h cap as its own, and EFS's wait as EFS's", () => {
    const ours = outcomeText({
      action: 'switch-to-elastic',
      status: 'locked',
      reason: 'burstguard changed this file system at 2026-11-22T10:00:00Z',
      retryAfter: '2026-11-23T10:00:00.000Z',
      lockedBy: 'burstguard',
    });
    expect(ours).toMatch(
      /burstguard's own limit \(one change per file system per 24 h, not AWS's\) allows its next change after <!date\^1795428000\^{date_short_pretty} {time}\|2026-11-23 10:00 UTC>/,
    );
    const efs = outcomeText({
      action: 'switch-to-elastic',
      status: 'locked',
      reason:
        'EFS refused (TooManyRequests): Wait until 2026-11-24T01:02:03Z UTC and try again.',
      retryAfter: '2026-11-24T01:02:03.000Z',
      lockedBy: 'efs',
    });
    expect(efs).toMatch(
      /EFS allows a change again after <!date\^1795482123\^{date_short_pretty} {time}\|2026-11-24 01:02 UTC> \(the \\"Wait until\\" time of its TooManyRequests answer\)/,
    );
    expect(efs).not.toMatch(/burstguard's own limit/);
  });
});
