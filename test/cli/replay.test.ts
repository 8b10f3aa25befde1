import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { writeRecording } from '../../shared/recording.ts';
import {
  type ScenarioName,
  simulateScenario,
} from '../../shared/simulator/scenarios.ts';
import { capture } from '../support/io.ts';

const END = new Date('2026-11-23T03:12:00Z');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function recordingDir(name: ScenarioName): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `burstguard-${name}-`));
  dirs.push(dir);
  await writeRecording(dir, simulateScenario(name, { end: END }));
  return dir;
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

describe('burstguard diagnose', () => {
  it('diagnoses the evidence a replay printed', async () => {
    const dir = await recordingDir('merge-backlog');
    const replayed = capture();
    await main(['replay', dir, '--json', '--policy', 'off'], replayed.io);
    const file = join(dir, 'replay.json');
    await writeFile(file, replayed.out.join(''));
    const { out, io } = capture();
    expect(await main(['diagnose', '--evidence', file, '--json'], io)).toBe(0);
    const result = JSON.parse(out.join(''));
    expect(result.diagnosis.verdict).toBe('clickhouse-merge-backlog');
    expect(result.recommendation.action).toBe('tune-clickhouse-inserts');
  });

  it('names the bad field of malformed evidence in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burstguard-evidence-'));
    dirs.push(dir);
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
