/**
 * The demo of Langfuse on EKS as langfuse/langfuse-terraform-aws builds it:
 * three ClickHouse replicas (the Helm chart's `langfuse-clickhouse-shard0-N`
 * pods, clickhouse.tf) on one Bursting file system whose credits ran out.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { capture } from '../support/io.ts';

const REPLICAS = [
  'langfuse-clickhouse-shard0-0',
  'langfuse-clickhouse-shard0-1',
  'langfuse-clickhouse-shard0-2',
];

describe('burstguard demo --scenario eks-replicas', () => {
  it('blames the exhausted credits and names every replica falling behind', async () => {
    // Act
    const { out, io } = capture();
    const code = await main(
      ['demo', '--scenario', 'eks-replicas', '--policy', 'off', '--json'],
      io,
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    const findings: string[] = report.diagnosis.findings;
    for (const name of REPLICAS) {
      const line = findings.find((f) =>
        f.startsWith(`ClickHouse replica ${name}:`),
      );
      expect(line, name).toMatch(
        /\d+ entries in the replication queue, oldest \d+ min/,
      );
      expect(line).toMatch(/GET_PART on default\.observations tried \d+ times/);
      expect(line).toContain('SOCKET_TIMEOUT');
      expect(line).toContain('Keeper connected');
    }
    // The queues grow from one replica to the next: 14, 28, 42 entries.
    const sizes = REPLICAS.map((name) =>
      Number(
        findings
          .find((f) => f.startsWith(`ClickHouse replica ${name}:`))
          ?.match(/: (\d+) entries/)?.[1],
      ),
    );
    expect(sizes).toEqual([14, 28, 42]);
    // Supporting evidence for the storage verdict, not a verdict or a
    // contradiction of its own.
    expect(findings).toContainEqual(
      expect.stringMatching(
        /replication falling behind on 3 of 3 replicas is a symptom of the starved file system/,
      ),
    );
    expect(report.diagnosis.contradictions).toEqual([]);
    expect(report.recommendation.action).toBe('switch-to-elastic');
    // The base load of ClickHouse's own log tables, with the setting.
    expect(findings).toContainEqual(
      expect.stringMatching(
        /log tables wrote 33% of .* enable_clickhouse_log_tables = false/,
      ),
    );
    // Langfuse dropping records while it happens.
    expect(findings).toContainEqual(
      expect.stringMatching(/[\d,]+ Langfuse records dropped/),
    );
    // The replicas reached the Slack finding too.
    const slack = JSON.stringify(report.slack);
    for (const name of REPLICAS) expect(slack).toContain(`replica ${name}`);
  }, 90_000);
});
