/**
 * The verdict table (shared/domain/verdicts.ts): its rows are in the order
 * of VERDICTS, ties are ranked in that order, and every row is used: each
 * verdict wins one of the simulator's scenarios, and its Slack title, icon,
 * headline and recommendation come out of its row.
 */
import { describe, expect, it } from 'vitest';
import { evidenceFromRecording } from '../../local/evidence.ts';
import { type ScenarioName, simulateScenario } from '../../local/scenarios.ts';
import { VERDICTS, type Verdict } from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { findingMessage } from '../../shared/domain/messages/blocks.ts';
import { rankByScore, VERDICT_TABLE } from '../../shared/domain/verdicts.ts';
import { afterDiagnose } from '../fixtures/states.ts';

const END = new Date('2026-11-23T03:30:00Z');
const FS = 'fs-0a1b2c3d4e5f67890 (langfuse-clickhouse)';
const LOOK_FURTHER =
  'look at ClickHouse and the evidence that is missing before changing storage';

async function diagnosed(name: ScenarioName) {
  const evidence = await evidenceFromRecording(
    simulateScenario(name, { end: END }),
  );
  return diagnose(evidence, {
    region: 'us-east-1',
    windowStart: '2026-11-23T02:30:00Z',
    windowEnd: END.toISOString(),
  });
}

describe('the tie order', () => {
  it('lists the rows in the order of VERDICTS', () => {
    expect(Object.keys(VERDICT_TABLE)).toEqual([...VERDICTS]);
  });

  it('ranks equal scores in the order of VERDICTS, whatever the input order', () => {
    const tied = [...VERDICTS]
      .reverse()
      .map((verdict) => ({ verdict, score: 0.5 }));

    expect(rankByScore(tied).map((h) => h.verdict)).toEqual([...VERDICTS]);
  });

  it('ranks a higher score first, ahead of the tie order', () => {
    const ranked = rankByScore([
      { verdict: 'efs-burst-credits-exhausted', score: 0.2 },
      { verdict: 'insufficient-evidence', score: 0.3 },
      { verdict: 'efs-io-limit', score: 0.2 },
    ]);

    expect(ranked.map((h) => h.verdict)).toEqual([
      'insufficient-evidence',
      'efs-burst-credits-exhausted',
      'efs-io-limit',
    ]);
  });

  it('keeps the tie order in a diagnosis: every verdict scored 0 follows VERDICTS', async () => {
    const { diagnosis } = await diagnosed('too-little-data');

    expect(diagnosis.ranked.map((h) => [h.verdict, h.score])).toEqual([
      ['insufficient-evidence', 0.6],
      ['clickhouse-merge-backlog', 0.005],
      ['efs-burst-credits-exhausted', 0],
      ['efs-burst-credits-draining', 0],
      ['efs-provisioned-throughput-saturated', 0],
      ['efs-io-limit', 0],
      ['clickhouse-unreachable', 0],
      ['no-storage-problem', 0],
    ]);
  });
});

describe('each row', () => {
  it.each<[ScenarioName, Verdict, string, string, string, string]>([
    [
      'credits-exhausted',
      'efs-burst-credits-exhausted',
      ':red_circle: EFS burst credits exhausted',
      `${FS} ran out of burst credits: throughput held at 1.0 MiB/s and pinned for 2 h 20 min`,
      'switch-to-elastic',
      `switch ${FS} to Elastic throughput: no downtime, pay per GB moved, bursts to GiB/s`,
    ],
    [
      'credits-draining',
      'efs-burst-credits-draining',
      ':large_orange_circle: EFS burst credits draining',
      `${FS} burst credits run out in about 75 min`,
      'switch-to-elastic',
      `switch ${FS} to Elastic throughput: no downtime, pay per GB moved, bursts to GiB/s`,
    ],
    [
      'provisioned-saturated',
      'efs-provisioned-throughput-saturated',
      ':red_circle: EFS provisioned throughput saturated',
      `${FS} is pinned at its provisioned 8 MiB/s for 1 h 59 min`,
      'increase-provisioned-throughput',
      `raise provisioned throughput of ${FS} to about 10 MiB/s, or switch to Elastic`,
    ],
    [
      'io-limit',
      'efs-io-limit',
      ':red_circle: EFS at its IO limit',
      `${FS} is at the General Purpose IO limit for 1 h 50 min`,
      'investigate',
      `${FS} is already on Elastic throughput, the highest IOPS limit EFS offers: reduce small IO (ClickHouse log tables, many small parts) and look at ClickHouse before changing storage`,
    ],
    [
      'merge-backlog',
      'clickhouse-merge-backlog',
      ':large_orange_circle: ClickHouse merge backlog',
      'ClickHouse merges are falling behind inserts while storage has headroom',
      'tune-clickhouse-inserts',
      'storage is not the bottleneck: batch Langfuse inserts (LANGFUSE_INGESTION_CLICKHOUSE_WRITE_BATCH_SIZE, _INTERVAL_MS) and check merges; switching EFS mode will not help',
    ],
    [
      'clickhouse-unreachable',
      'clickhouse-unreachable',
      ':red_circle: ClickHouse unreachable',
      'ClickHouse does not answer, and storage does not explain it',
      'investigate',
      LOOK_FURTHER,
    ],
    [
      'healthy-blip',
      'no-storage-problem',
      ':large_green_circle: No storage problem found',
      `${FS} storage and ClickHouse look healthy`,
      'none',
      'nothing to change',
    ],
    [
      'too-little-data',
      'insufficient-evidence',
      ':white_circle: Not enough evidence',
      'too little data to say what is wrong',
      'investigate',
      LOOK_FURTHER,
    ],
  ])(
    '%s wins %s, titled "%s"',
    async (scenario, verdict, title, headline, action, summary) => {
      const { diagnosis, recommendation } = await diagnosed(scenario);
      const base = afterDiagnose();
      const message = findingMessage(
        {
          ...base,
          result: { ...base.result, diagnosis, recommendation },
        },
        'C0',
      );

      expect(diagnosis.verdict).toBe(verdict);
      expect(message.text.startsWith(`${title}: `)).toBe(true);
      expect(diagnosis.headline).toBe(headline);
      expect(recommendation.action).toBe(action);
      expect(recommendation.summary).toBe(summary);
    },
  );

  it('adds the ClickHouse parts line to the findings, except for a merge backlog that already says it', async () => {
    const parts = (findings: string[]) =>
      findings.filter((f) => f.startsWith('ClickHouse: max ')).length;

    expect(
      parts((await diagnosed('credits-exhausted')).diagnosis.findings),
    ).toBe(1);
    expect(parts((await diagnosed('merge-backlog')).diagnosis.findings)).toBe(
      0,
    );
  });
});
