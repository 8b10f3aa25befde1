import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { readRecording, writeRecording } from '../../local/recording-format.ts';
import { runRecording } from '../../local/run-recording.ts';
import { type ScenarioName, simulateScenario } from '../../local/scenarios.ts';
import { capture, useTempDirs } from '../support/io.ts';

const END = new Date('2026-11-23T03:12:00Z');
const tempDir = useTempDirs();

async function recordingDir(
  name: ScenarioName,
  region = 'us-east-1',
): Promise<string> {
  const dir = await tempDir(`burstguard-${name}-`);
  await writeRecording(dir, simulateScenario(name, { end: END, region }));
  return dir;
}

async function replayJson(dir: string, ...flags: string[]) {
  const { out, err, io } = capture();
  const code = await main(['replay', dir, '--json', ...flags], io);
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join(''));
}

/**
 * Each cost of `b` within 1% of the same mode's cost in `a`; a mode EFS
 * does not offer (Elastic on Max I/O) is unavailable in both.
 */
function expectSameCosts(
  a: { mode: string; monthlyUsd: number | null; available?: boolean }[],
  b: { mode: string; monthlyUsd: number | null; available?: boolean }[],
) {
  expect(b.map((c) => c.mode)).toEqual(a.map((c) => c.mode));
  a.forEach((cost, i) => {
    const other = b[i]?.monthlyUsd;
    expect(b[i]?.available).toBe(cost.available);
    if (cost.available === false) {
      expect(cost.monthlyUsd).toBeNull();
      expect(other).toBeNull();
      return;
    }
    expect(cost.monthlyUsd).not.toBeNull();
    expect(other).not.toBeNull();
    expect(
      Math.abs((other as number) - (cost.monthlyUsd as number)),
    ).toBeLessThanOrEqual(0.01 * (cost.monthlyUsd as number));
  });
}

describe('burstguard replay', () => {
  it.each([
    ['credits-exhausted', 'efs-burst-credits-exhausted', 'switch-to-elastic'],
    [
      'provisioned-saturated',
      'efs-provisioned-throughput-saturated',
      'increase-provisioned-throughput',
    ],
    ['elastic-headroom', 'no-storage-problem', 'none'],
    ['clickhouse-unreachable', 'clickhouse-unreachable', 'investigate'],
  ] as const)('replays %s to %s with --json', async (name, verdict, action) => {
    const dir = await recordingDir(name);
    const { out, err, io } = capture();
    const code = await main(['replay', dir, '--json', '--policy', 'off'], io);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'incident',
        'diagnosis',
        'recommendation',
        'remediation',
        'slack',
      ]),
    );
    expect(report.diagnosis.verdict).toBe(verdict);
    expect(report.diagnosis.confidence).toBeGreaterThan(0);
    expect(report.diagnosis.confidence).toBeLessThanOrEqual(1);
    expect(report.diagnosis.findings.length).toBeGreaterThan(0);
    expect(report.recommendation.action).toBe(action);
    expect(report.slack[0].blocks[0].type).toBe('header');
    expect(report.incident.fileSystemId).toBe('fs-0a1b2c3d4e5f67890');
  });

  it('never offers Elastic to a Max I/O file system out of credits, and auto changes nothing', async () => {
    const dir = await recordingDir('maxio-credits-exhausted');
    const report = await replayJson(dir, '--policy', 'auto');
    expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(report.recommendation.action).toBe(
      'increase-provisioned-throughput',
    );
    // A size within EFS's 1-3414 MiB/s Provisioned range, and why not
    // Elastic and why not automated.
    const provisioned = report.recommendation.costs.find(
      (c: { mode: string }) => c.mode === 'provisioned',
    );
    expect(provisioned.provisionedMibps).toBeGreaterThanOrEqual(1);
    expect(provisioned.provisionedMibps).toBeLessThanOrEqual(3414);
    expect(report.recommendation.summary).toContain(
      `to Provisioned throughput ${provisioned.provisionedMibps} MiB/s`,
    );
    expect(report.recommendation.summary).toMatch(
      /Elastic throughput only with General Purpose performance mode/,
    );
    expect(report.recommendation.caveats.join(' ')).toMatch(/not automated/);
    const thread = JSON.stringify(report.slack);
    expect(thread).not.toMatch(/switch-to-elastic|Approve: switch to Elastic/);
    expect(thread).toMatch(/for a person to do, whatever the policy/);
    // Under policy auto the run never reaches Remediate.
    expect(report.remediation).toBeNull();
    expect(report.verification).toBeNull();
  });

  it('makes no UpdateFileSystem call for Max I/O under policy auto, and one for General Purpose', async () => {
    const calls = async (name: ScenarioName) => {
      const seen: unknown[] = [];
      const recording = await readRecording(await recordingDir(name));
      const report = await runRecording(recording, {
        policy: 'auto',
        write: () => undefined,
        color: false,
        onUpdateFileSystem: (call) => seen.push(call),
      });
      return { seen, report };
    };
    const maxIo = await calls('maxio-credits-exhausted');
    expect(maxIo.seen).toEqual([]);
    expect(maxIo.report.recommendation?.action).toBe(
      'increase-provisioned-throughput',
    );
    // The same policy on a General Purpose file system does switch: the
    // hook sees calls when there are any.
    const gp = await calls('credits-exhausted');
    expect(gp.seen).toEqual([
      { FileSystemId: 'fs-0a1b2c3d4e5f67890', ThroughputMode: 'elastic' },
    ]);
  });

  it('recommends Elastic for a General Purpose Bursting file system at its IO limit', async () => {
    const dir = await recordingDir('io-limit-bursting');
    const report = await replayJson(dir, '--policy', 'off');
    expect(report.diagnosis.verdict).toBe('efs-io-limit');
    expect(report.recommendation.action).toBe('switch-to-elastic');
    // EFS performance table: Bursting 35,000 read / 7,000 write IOPS;
    // Elastic up to 900,000-2,500,000 read / 500,000 write.
    expect(report.recommendation.summary).toMatch(
      /35,000 read and 7,000 write IOPS/,
    );
    expect(report.recommendation.summary).toMatch(/500,000 write IOPS/);
    expect(JSON.stringify(report)).not.toMatch(/move to .*Max I\/O/i);
  });

  it('keeps the IO limit on an Elastic file system to investigate, with no Max I/O advice', async () => {
    const dir = await recordingDir('io-limit');
    const report = await replayJson(dir, '--policy', 'off');
    expect(report.diagnosis.verdict).toBe('efs-io-limit');
    expect(report.recommendation.action).toBe('investigate');
    expect(report.recommendation.summary).not.toMatch(/Max I\/O/);
  });

  it('says a 2 TiB file system bursts at 200 MiB/s', async () => {
    const dir = await recordingDir('credits-exhausted-2tib');
    const report = await replayJson(dir, '--policy', 'off');
    expect(report.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    const findings = report.diagnosis.findings.join('\n');
    // 2 TiB × 100 MiB/s per TiB = 200 MiB/s burst; 2,048 GiB × 50 KiB/s
    // = 102,400 KiB/s = 100 MiB/s baseline.
    expect(findings).toMatch(/down from the 200\.0 MiB\/s burst/);
    // The baseline is stated once, in the permitted-throughput finding.
    expect(findings).toMatch(
      /permitted throughput 100\.0 MiB\/s is the baseline of 2\.0 TiB stored/,
    );
    expect(findings.match(/baseline/g)).toHaveLength(1);
    expect(findings).not.toMatch(/down from the 100\.0 MiB\/s burst/);
  });

  it('prints the Slack thread and the verdict without --json', async () => {
    const dir = await recordingDir('credits-exhausted');
    const { out, err, io } = capture();
    expect(await main(['replay', dir, '--policy', 'off'], io)).toBe(0);
    expect(out.join('')).toMatch(/-- Slack #langfuse-oncall --/);
    expect(out.join('')).toMatch(
      /verdict: efs-burst-credits-exhausted \(confidence \d\.\d\d\)/,
    );
    expect(err.join('')).toMatch(/✓ Diagnose/);
  });

  it.each([
    [
      'a missing file',
      async (dir: string) => rm(join(dir, 'efs-describe-file-systems.json')),
      /efs-describe-file-systems\.json: missing/,
    ],
    [
      'bad JSON',
      async (dir: string) =>
        writeFile(join(dir, 'meta.json'), '{"version": 1,'),
      /meta\.json: not valid JSON/,
    ],
    [
      'an unknown version',
      async (dir: string) =>
        writeFile(join(dir, 'meta.json'), JSON.stringify({ version: 2 })),
      /meta\.json: version: /,
    ],
    [
      'a bad JSONEachRow line',
      async (dir: string) =>
        writeFile(
          join(dir, 'clickhouse', 'parts.jsonl'),
          '{"a": 1}\nnot json\n',
        ),
      /parts\.jsonl:2: not a JSON row/,
    ],
    [
      'a malformed trigger',
      async (dir: string) =>
        writeFile(
          join(dir, 'trigger.json'),
          JSON.stringify({ 'detail-type': 'Nope' }),
        ),
      /InvalidTriggerError: detail-type: expected/,
    ],
  ])('exits 1 with one line for %s', async (_, breakIt, message) => {
    const dir = await recordingDir('credits-exhausted');
    await breakIt(dir);
    const { err, io } = capture();
    const code = await main(['replay', dir, '--json'], io);
    expect(code).toBe(1);
    const text = err.join('');
    expect(text).toMatch(message);
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('ignores files a version 1 reader does not know', async () => {
    const dir = await recordingDir('credits-exhausted');
    await writeFile(join(dir, 'notes-from-v2.json'), '{}');
    await writeFile(join(dir, 'clickhouse', 'query_log.jsonl'), 'whatever');
    const { out, io } = capture();
    expect(await main(['replay', dir, '--json', '--policy', 'off'], io)).toBe(
      0,
    );
    expect(JSON.parse(out.join('')).diagnosis.verdict).toBe(
      'efs-burst-credits-exhausted',
    );
  });
});

/**
 * `diagnose --evidence <file> --json` on `text` written to `file`: it must
 * succeed without a word on stderr; answers the JSON it printed.
 */
async function diagnoseJson(file: string, text: string) {
  await writeFile(file, text);
  const { out, err, io } = capture();
  expect(await main(['diagnose', '--evidence', file, '--json'], io)).toBe(0);
  expect(err.join('')).toBe('');
  return JSON.parse(out.join(''));
}

describe('burstguard diagnose', () => {
  it('diagnoses the evidence a replay printed', async () => {
    const dir = await recordingDir('merge-backlog');
    const replayed = capture();
    await main(['replay', dir, '--json', '--policy', 'off'], replayed.io);
    const result = await diagnoseJson(
      join(dir, 'replay.json'),
      replayed.out.join(''),
    );
    expect(result.diagnosis.verdict).toBe('clickhouse-merge-backlog');
    expect(result.recommendation.action).toBe('tune-clickhouse-inserts');
  });

  it.each([
    ['credits-exhausted', 'us-east-1'],
    ['credits-exhausted', 'eu-west-1'],
    ['maxio-credits-exhausted', 'ap-northeast-1'],
    ['credits-exhausted-2tib', 'us-west-2'],
  ] as const)(
    'gives a replay of %s in %s the same verdict and costs',
    async (name, region) => {
      const dir = await recordingDir(name, region);
      const report = await replayJson(dir, '--policy', 'off');
      const result = await diagnoseJson(
        join(dir, 'replay.json'),
        JSON.stringify(report),
      );
      expect(result.diagnosis.verdict).toBe(report.diagnosis.verdict);
      expect(result.recommendation.action).toBe(report.recommendation.action);
      expect(result.recommendation.priceTable).toMatch(
        new RegExp(`^${region} `),
      );
      expectSameCosts(report.recommendation.costs, result.recommendation.costs);
    },
  );

  it('gives the demo the verdict and costs it printed', async () => {
    const demo = capture();
    expect(await main(['demo', '--json', '--policy', 'off'], demo.io)).toBe(0);
    const report = JSON.parse(demo.out.join(''));
    const dir = await tempDir('burstguard-demo-');
    const result = await diagnoseJson(
      join(dir, 'demo.json'),
      demo.out.join(''),
    );
    expect(result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(result.diagnosis.verdict).toBe(report.diagnosis.verdict);
    expectSameCosts(report.recommendation.costs, result.recommendation.costs);
    // The seed incident moves ~1.5 MiB/s: Elastic costs hundreds of dollars
    // a month, not the tens of thousands a one-minute window would give.
    const elastic = result.recommendation.costs.find(
      (c: { mode: string }) => c.mode === 'elastic',
    );
    expect(elastic.monthlyUsd).toBeLessThan(1000);
  }, 90_000);

  it('needs --region and the window for a bare Evidence file, in one line', async () => {
    const dir = await recordingDir('credits-exhausted', 'eu-west-1');
    const report = await replayJson(dir, '--policy', 'off');
    const file = join(dir, 'evidence.json');
    await writeFile(file, JSON.stringify(report.evidence));
    const bare = capture();
    expect(await main(['diagnose', '--evidence', file], bare.io)).toBe(2);
    const text = bare.err.join('');
    expect(text).toMatch(
      /a bare Evidence file needs --region, --window-start and --window-end \(ISO 8601/,
    );
    expect(text.trim().split('\n')).toHaveLength(1);
    const flags = [
      '--region',
      'eu-west-1',
      '--window-start',
      report.trigger.windowStart,
      '--window-end',
      report.trigger.windowEnd,
    ];
    const { out, io } = capture();
    expect(
      await main(['diagnose', '--evidence', file, '--json', ...flags], io),
    ).toBe(0);
    const result = JSON.parse(out.join(''));
    expect(result.diagnosis.verdict).toBe(report.diagnosis.verdict);
    expectSameCosts(report.recommendation.costs, result.recommendation.costs);
  });

  it.each([
    [
      ['--window-start', 'yesterday'],
      /--window-start must be an ISO 8601 time/,
    ],
    [
      [
        '--window-start',
        '2026-11-23T03:12:00Z',
        '--window-end',
        '2026-11-23T00:12:00Z',
      ],
      /--window-end .* must be after --window-start/,
    ],
  ])('rejects a bad window %j with a usage line', async (extra, message) => {
    const dir = await recordingDir('credits-exhausted');
    const report = await replayJson(dir, '--policy', 'off');
    const file = join(dir, 'evidence.json');
    await writeFile(file, JSON.stringify(report.evidence));
    const args = [
      'diagnose',
      '--evidence',
      file,
      '--region',
      'us-east-1',
      '--window-start',
      '2026-11-23T00:12:00Z',
      '--window-end',
      '2026-11-23T03:12:00Z',
      ...extra,
    ];
    const { err, io } = capture();
    expect(await main(args, io)).toBe(2);
    expect(err.join('')).toMatch(message);
    expect(err.join('').trim().split('\n')).toHaveLength(1);
  });

  it('names the bad field of malformed evidence in one line', async () => {
    const dir = await tempDir('burstguard-evidence-');
    const file = join(dir, 'evidence.json');
    await writeFile(
      file,
      JSON.stringify({ efs: { source: 'efs', available: 'yes' } }),
    );
    const { err, io } = capture();
    expect(await main(['diagnose', '--evidence', file], io)).toBe(1);
    expect(err.join('')).toMatch(/evidence\.json: efs\.available: /);
    expect(err.join('').trim().split('\n')).toHaveLength(1);
  });
});
