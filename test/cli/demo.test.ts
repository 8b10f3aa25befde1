import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { capture } from '../support/io.ts';

describe('burstguard demo', () => {
  it('runs the seed incident through the whole runbook and says the switch worked', async () => {
    const { out, err, io } = capture();
    const code = await main(['demo'], io);
    expect(code).toBe(0);
    const text = out.join('');
    // The Slack thread, with the file system and the numbers behind it.
    expect(text).toMatch(/-- Slack #langfuse-oncall --/);
    expect(text).toContain('fs-0a1b2c3d4e5f67890');
    expect(text).toMatch(/pinned at >= 95% of 1\.0 MiB\/s permitted for \d/);
    expect(text).toMatch(/[\d,]+ Langfuse records dropped/);
    expect(text).toMatch(/\[ Approve: switch to Elastic \]/);
    expect(text).toMatch(/Did it work\? Yes/);
    expect(text).toMatch(/^verdict: efs-burst-credits-exhausted \(confidence/m);
    // Progress as the states run, and the real embedded ClickHouse.
    expect(err.join('')).toMatch(/embedded ClickHouse 2\d\.\d+.* \(chDB\)/);
    expect(err.join('')).toMatch(/✓ Verify/);
  });

  it('ends the seed incident with the dropped records recovered, in the thread and in --json', async () => {
    // Act
    const { out, io } = capture();
    const code = await main(['demo', '--json'], io);

    // Assess: the recovery replayed the window's events from the loopback
    // S3 bucket through the admin API double, which wrote them into chDB.
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.verification.verdict).toBe('worked');
    expect(report.recovery).toMatchObject({
      status: 'recovered',
      keysFailed: 0,
      window: { from: report.verification.recovery.window.from },
    });
    expect(report.recovery.recordsAfter).toBeGreaterThan(
      report.recovery.recordsBefore,
    );
    expect(report.recovery.keysQueued).toBeGreaterThan(0);
    const edits: string[] = report.slackUpdates.map((u: { update: unknown }) =>
      JSON.stringify(u.update),
    );
    expect(
      edits.some((b: string) => b.includes('Dropped records recovered')),
    ).toBe(true);
    expect(
      report.slack.some((m: { text: string }) =>
        /Recover [\d,]+ dropped records/.test(m.text),
      ),
    ).toBe(true);
  }, 90_000);

  it('prints the documented object with --json', async () => {
    const { out, io } = capture();
    expect(
      await main(['demo', '--scenario', 'merge-backlog', '--json'], io),
    ).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.diagnosis.verdict).toBe('clickhouse-merge-backlog');
    expect(report.recommendation.action).toBe('tune-clickhouse-inserts');
    expect(report.remediation).toBeNull();
    // Measured from chDB: merges stopped, the parts past the demo's
    // parts_to_delay_insert (300), which the snapshot reads from the server.
    expect(report.diagnosis.signals.maxPartsInPartition).toBeGreaterThan(300);
    expect(report.diagnosis.signals.delayedInserts).toBeGreaterThan(0);
    // Over a thousand small inserts on two shared cores: give it room.
  }, 90_000);

  it('runs the Max I/O scenario under policy auto without switching anything', async () => {
    const { out, io } = capture();
    expect(
      await main(
        [
          'demo',
          '--scenario',
          'maxio-credits-exhausted',
          '--policy',
          'auto',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(report.recommendation.action).toBe(
      'increase-provisioned-throughput',
    );
    // Remediate is never reached, so no UpdateFileSystem and no Verify.
    expect(report.remediation).toBeNull();
    expect(report.verification).toBeNull();
    const thread = JSON.stringify(report.slack);
    expect(thread).not.toMatch(/Approve: switch to Elastic/);
    // No price for a mode EFS does not offer this file system.
    expect(thread).toMatch(/Elastic: not available \(EFS offers Elastic/);
    expect(thread).not.toMatch(/Elastic: \$/);
  }, 90_000);

  it('names the scenarios when given an unknown one', async () => {
    const { err, io } = capture();
    expect(await main(['demo', '--scenario', 'nope'], io)).toBe(2);
    expect(err.join('')).toMatch(
      /unknown scenario "nope"; one of: credits-exhausted, /,
    );
  });
});
