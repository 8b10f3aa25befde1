/**
 * Writes test/golden/replay-digests.json: the digest of `burstguard replay
 * DIR --json` for every built-in scenario under each run of REPLAY_RUNS
 * (test/support/replay-digest.ts). Run it only when a change is meant to
 * alter what a run prints, and review which digests the diff changes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { writeRecording } from '../local/recording-format.ts';
import { SCENARIOS, simulateScenario } from '../local/scenarios.ts';
import {
  REPLAY_END,
  REPLAY_RUNS,
  replayDigest,
} from '../test/support/replay-digest.ts';

const target = join(
  import.meta.dirname,
  '..',
  'test',
  'golden',
  'replay-digests.json',
);
const digests: Record<string, Record<string, string>> = {};
const dir = await mkdtemp(join(tmpdir(), 'burstguard-golden-'));
try {
  for (const name of SCENARIOS) {
    const recording = join(dir, name);
    await writeRecording(
      recording,
      simulateScenario(name, { end: REPLAY_END, region: 'us-east-1' }),
    );
    digests[name] = {};
    for (const [run, flags] of Object.entries(REPLAY_RUNS)) {
      let out = '';
      const code = await main(['replay', recording, '--json', ...flags], {
        out: (text) => {
          out += text;
        },
        err: (text) => process.stderr.write(text),
        color: false,
      });
      if (code !== 0) throw new Error(`${name} ${run}: replay exited ${code}`);
      digests[name][run] = replayDigest(out);
    }
    process.stderr.write(`${name}: ${Object.keys(REPLAY_RUNS).length} runs\n`);
  }
  await writeFile(target, `${JSON.stringify(digests, null, 2)}\n`);
  process.stderr.write(`wrote ${target}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
