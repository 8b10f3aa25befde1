/**
 * What a version 1 reader refuses in cloudwatch-get-metric-data.json (an Id
 * the format does not list; Values and Timestamps of different lengths),
 * each one line naming the file and the Id, and what it still ignores: a
 * file it does not know (docs/recording-format.md).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  RECORDING_FILES,
  readRecording,
  writeRecording,
} from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { RecordingError } from '../../shared/domain/errors.ts';
import { SCENARIO_END } from '../fixtures/scenarios.ts';
import { capture, useTempDirs } from '../support/io.ts';

const tempDir = useTempDirs();

type MetricFile = {
  MetricDataResults: { Id: string; Timestamps?: string[]; Values?: number[] }[];
};

/** A recording whose metric file `edit` changed. */
async function recordingWith(edit: (file: MetricFile) => void) {
  const dir = await tempDir('burstguard-checks-');
  await writeRecording(
    dir,
    simulateScenario('credits-exhausted', { end: SCENARIO_END }),
  );
  const path = join(dir, RECORDING_FILES.metricData);
  const file = JSON.parse(await readFile(path, 'utf8')) as MetricFile;
  edit(file);
  await writeFile(path, JSON.stringify(file));
  return { dir, path };
}

describe('cloudwatch-get-metric-data.json', () => {
  it.each([
    [
      'an Id the format does not list',
      (file: MetricFile) => {
        const first = file.MetricDataResults[0];
        if (first) first.Id = 'burst_credits_balance';
      },
      /unknown metric Id "burst_credits_balance" \(a recording's Ids: burst_credit_balance, /,
    ],
    [
      'one Value fewer than Timestamps',
      (file: MetricFile) => {
        const result = file.MetricDataResults.find(
          (r) => r.Id === 'permitted_throughput',
        );
        result?.Values?.pop();
      },
      /Id "permitted_throughput" has (\d+) Timestamps but (\d+) Values/,
    ],
    [
      'Values without Timestamps',
      (file: MetricFile) => {
        const result = file.MetricDataResults.find(
          (r) => r.Id === 'metered_io_bytes',
        );
        if (result) delete result.Timestamps;
      },
      /Id "metered_io_bytes" has 0 Timestamps but \d+ Values/,
    ],
  ])('refuses %s, naming the file and the Id', async (_, edit, message) => {
    // Prepare
    const { dir, path } = await recordingWith(edit);
    const { err, io } = capture();

    // Act
    const read = await readRecording(dir).then(
      () => undefined,
      (error: unknown) => error,
    );
    const code = await main(['replay', dir, '--json'], io);

    // Assess
    expect(read).toBeInstanceOf(RecordingError);
    expect(String((read as Error).message)).toMatch(message);
    expect(String((read as Error).message)).toContain(path);
    expect(code).toBe(1);
    expect(err.join('')).toMatch(
      new RegExp(`^burstguard replay: ${path}: .*\\n$`),
    );
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    const counts = /(\d+) Timestamps but (\d+) Values/.exec(err.join(''));
    if (counts) expect(counts[1]).not.toBe(counts[2]);
  });

  it('still reads a recording holding a file it does not know', async () => {
    // Prepare: a file a later version might add.
    const { dir } = await recordingWith(() => undefined);
    await writeFile(join(dir, 'cloudwatch-something-new.json'), '{}');
    const { out, io } = capture();

    // Act
    const code = await main(['replay', dir, '--json', '--policy', 'off'], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(out.join('')).diagnosis.verdict).toBe(
      'efs-burst-credits-exhausted',
    );
  });

  it('refuses an unknown Id in the Logs Insights line counts', async () => {
    // Prepare
    const { dir } = await recordingWith(() => undefined);
    const path = join(dir, RECORDING_FILES.langfuseLines);
    await writeFile(
      path,
      JSON.stringify({
        langfuse_dropped_recordz: { results: [], status: 'Complete' },
      }),
    );

    // Act and assess
    await expect(readRecording(dir)).rejects.toThrow(
      `${path}: unknown metric Id "langfuse_dropped_recordz"`,
    );
  });
});
