/**
 * A digest of what `burstguard replay DIR --json` prints, for the golden
 * test of test/cli/replay-digests.test.ts. What varies from run to run is
 * masked first: the execution's random name inside the incident id, Slack
 * thread timestamps (seconds.microseconds), measured durations
 * (`elapsedMs`) and the directory a run writes its chart files to (a new
 * temporary directory each run; the file names stay). Keys are sorted, so
 * the digest does not depend on the order fields are written in.
 */
import { createHash } from 'node:crypto';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The replay's JSON, keys sorted and the run-to-run values masked. */
export function normalizedReplay(json: string): string {
  return JSON.stringify(sortKeys(JSON.parse(json)), null, 1)
    .replace(/local-[0-9a-f-]{36}/g, 'local-ID')
    .replace(/\b\d{10}\.\d{6}\b/g, 'TS')
    .replace(/"elapsedMs": \d+/g, '"elapsedMs": N')
    .replace(/"path": "[^"]*\/([^/"]+\.png)"/g, '"path": "CHARTS/$1"');
}

/** SHA-256 of the normalized replay, hex. */
export function replayDigest(json: string): string {
  return createHash('sha256').update(normalizedReplay(json)).digest('hex');
}

/** The runs the golden file holds: every scenario under these flags. */
export const REPLAY_RUNS: Record<string, string[]> = {
  off: ['--policy', 'off'],
  approve: ['--policy', 'approve'],
  auto: ['--policy', 'auto'],
  approved: ['--policy', 'approve', '--approve'],
};

/** Where the simulated recordings end, for every run of the golden file. */
export const REPLAY_END = new Date('2026-11-23T03:12:00Z');
