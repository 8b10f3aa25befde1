/**
 * Golden replays: `burstguard replay DIR --json` of every built-in
 * scenario, under each policy and with an approval, must print what it
 * printed when test/golden/replay-digests.json was written (SHA-256 of the
 * output with run-to-run values masked, test/support/replay-digest.ts).
 *
 * The file was written from the outputs of the code as it stood before the
 * layers were split into folders, and holds the runbook's behaviour still:
 * a refactor must leave every digest as it is. A change meant to alter what
 * a run prints (a message, a figure, a field) updates the file with
 * `npm run golden:write`, and the diff shows which runs it changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { writeRecording } from '../../local/recording-format.ts';
import { SCENARIOS, simulateScenario } from '../../local/scenarios.ts';
import { capture, useTempDirs } from '../support/io.ts';
import {
  REPLAY_END,
  REPLAY_RUNS,
  replayDigest,
} from '../support/replay-digest.ts';

const GOLDEN = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', 'golden', 'replay-digests.json'),
    'utf8',
  ),
) as Record<string, Record<string, string>>;

const tempDir = useTempDirs();

describe('golden replays', () => {
  it('holds every scenario and every run', () => {
    expect(Object.keys(GOLDEN).sort()).toEqual([...SCENARIOS].sort());
    for (const name of SCENARIOS) {
      expect(Object.keys(GOLDEN[name] ?? {}).sort()).toEqual(
        Object.keys(REPLAY_RUNS).sort(),
      );
    }
  });

  it.each(SCENARIOS)('%s replays as it did', async (name) => {
    const dir = await tempDir(`burstguard-golden-${name}-`);
    await writeRecording(
      dir,
      simulateScenario(name, { end: REPLAY_END, region: 'us-east-1' }),
    );
    const changed: string[] = [];
    for (const [run, flags] of Object.entries(REPLAY_RUNS)) {
      const { out, err, io } = capture();
      const code = await main(['replay', dir, '--json', ...flags], io);
      expect(err.join(''), run).toBe('');
      expect(code, run).toBe(0);
      if (replayDigest(out.join('')) !== GOLDEN[name]?.[run]) changed.push(run);
    }
    expect(changed, 'runs whose output changed').toEqual([]);
  });
});
