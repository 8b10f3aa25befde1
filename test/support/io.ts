import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../cli/main.ts';
import { writeRecording } from '../../local/recording-format.ts';
import { type ScenarioName, simulateScenario } from '../../local/scenarios.ts';

/** Captures what a command prints, for tests of `burstguard`. */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      color: false,
    },
  };
}

/**
 * Temporary directories for one test file, removed after its tests: call
 * the answer with a name prefix to get a new, empty directory.
 */
export function useTempDirs(): (prefix: string) => Promise<string> {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  return async (prefix) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/**
 * `burstguard replay DIR FLAGS…` of a fresh recording of a built-in
 * scenario (ending at `end`), written into a directory of `tempDir`.
 */
export async function replayScenario(
  tempDir: (prefix: string) => Promise<string>,
  scenario: ScenarioName,
  end: Date,
  flags: string[],
): Promise<{ code: number; out: string; err: string }> {
  const dir = await tempDir(`burstguard-${scenario}-`);
  await writeRecording(dir, simulateScenario(scenario, { end }));
  const { out, err, io } = capture();
  const code = await main(['replay', dir, ...flags], io);
  return { code, out: out.join(''), err: err.join('') };
}
