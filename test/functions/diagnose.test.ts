import { describe, expect, it } from 'vitest';
import {
  decide,
  diagnoseState,
  evidenceFromGathered,
  reasonFromCaught,
} from '../../functions/diagnose/core.ts';
import { afterGatherSchema } from '../../shared/domain/contracts.ts';
import { testConfig } from '../fixtures/config.ts';
import { afterDiagnose } from '../fixtures/states.ts';

/** The test configuration with the first file system set to `policy`. */
function withPolicy(policy: 'off' | 'approve' | 'auto') {
  const config = testConfig();
  return {
    ...config,
    fileSystems: config.fileSystems.map((f, i) =>
      i === 0 ? { ...f, policy } : f,
    ),
  };
}

describe('the Diagnose step', () => {
  it('turns a caught branch into an unavailable source with its reason', () => {
    const evidence = evidenceFromGathered([
      {
        source: 'efs',
        caught: {
          Error: 'RangeError',
          Cause: JSON.stringify({
            errorType: 'RangeError',
            errorMessage: 'out of memory',
          }),
        },
      },
      { source: 'langfuse', caught: { Error: 'States.Timeout' } },
      {
        source: 'clickhouse',
        available: false,
        reason: 'unreachable after 5 s',
      },
    ]);
    expect(evidence.efs).toMatchObject({
      available: false,
      reason: 'RangeError: out of memory',
    });
    expect(evidence.langfuse).toMatchObject({
      available: false,
      reason: 'the collector timed out (States.Timeout)',
    });
    expect(reasonFromCaught({ Error: 'X', Cause: 'plain words' })).toBe(
      'X: plain words',
    );
  });

  it('uses the configured prices for the costs', () => {
    const state = afterGatherSchema.parse(afterDiagnose());
    const config = testConfig({
      prices: {
        elasticReadUsdPerGb: 0.01,
        asOf: '2026-12-01',
        source: 'our contract',
      },
    });
    const out = diagnoseState(state, { config });
    expect(out.recommendation.priceTable).toMatch(
      /2026-12-01 \(our contract, with overrides\)/,
    );
  });

  it('only automates switching to elastic, within the policy and the allowlist', () => {
    const state = afterDiagnose();
    const { diagnosis, recommendation } = state.result;
    const evidence = evidenceFromGathered(state.gathered);
    const config = testConfig();
    // The file system configured with each policy, the run asking for
    // nothing else: a run may only lower the configured policy.
    const at = (policy: 'off' | 'approve' | 'auto', dryRun = false) =>
      decide(
        { ...state.trigger, policy, dryRun },
        evidence,
        diagnosis,
        recommendation,
        withPolicy(policy),
      ).next;
    expect(at('off')).toBe('done');
    expect(at('approve')).toBe('request-approval');
    expect(at('auto')).toBe('remediate');
    expect(at('approve', true)).toBe('remediate');
    const investigate = { ...recommendation, action: 'investigate' as const };
    expect(
      decide(state.trigger, evidence, diagnosis, investigate, config).next,
    ).toBe('done');
    const other = {
      ...state.trigger,
      fileSystemId: 'fs-0fedcba9876543210',
      policy: 'auto' as const,
    };
    // Configured auto but off the allowlist: never changed.
    const autoOther = {
      ...config,
      fileSystems: config.fileSystems.map((f) =>
        f.fileSystemId === other.fileSystemId
          ? { ...f, policy: 'auto' as const }
          : f,
      ),
    };
    expect(
      decide(other, evidence, diagnosis, recommendation, autoOther),
    ).toMatchObject({
      next: 'done',
      reason: 'fs-0fedcba9876543210 is not on the remediation allowlist',
    });
    // Configured off, the run asking for auto: still off.
    expect(
      decide(other, evidence, diagnosis, recommendation, config),
    ).toMatchObject({
      next: 'done',
      reason: 'policy is off: burstguard only reports',
    });
  });
});
