/**
 * Recording format v1, extended: a cluster's replicas under
 * `clickhouse/replicas/<name>/`, each with the same files as clickhouse/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingClickHousePort } from '../../local/recorded-ports.ts';
import { readRecording, writeRecording } from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'burstguard-rec-'));
  dirs.push(dir);
  return dir;
}

describe('a recording with replicas', () => {
  it('writes each replica to its own directory and reads it back', async () => {
    // Prepare
    const dir = await tempDir();
    const recording = simulateScenario('eks-replicas', {
      end: new Date('2026-11-23T03:12:00Z'),
    });

    // Act
    const written = await writeRecording(dir, recording);
    const read = await readRecording(dir);

    // Assess
    expect(written).toContain(
      join(
        'clickhouse',
        'replicas',
        'langfuse-clickhouse-shard0-2',
        'replication_queue.jsonl',
      ),
    );
    expect(read.clickhouse.replicas?.map((r) => r.name)).toEqual([
      'langfuse-clickhouse-shard0-0',
      'langfuse-clickhouse-shard0-1',
      'langfuse-clickhouse-shard0-2',
    ]);
    expect(read.clickhouse.replicas?.[2]?.results.replication_queue).toEqual(
      recording.clickhouse.replicas?.[2]?.results.replication_queue,
    );
    const replicas = await recordingClickHousePort(read).replicas?.();
    const snapshot = await replicas?.[1]?.port.snapshot({
      start: new Date(read.meta.start),
      end: new Date(read.meta.end),
    });
    expect(snapshot?.results.replicas?.ok).toBe(true);
  });

  it('reads a replica that could not be queried from its error.txt', async () => {
    // Prepare
    const dir = await tempDir();
    const recording = simulateScenario('eks-replicas', {
      end: new Date('2026-11-23T03:12:00Z'),
    });
    await writeRecording(dir, recording);
    const replicaDir = join(
      dir,
      'clickhouse',
      'replicas',
      'langfuse-clickhouse-shard0-9',
    );
    await mkdir(replicaDir);
    await writeFile(
      join(replicaDir, 'error.txt'),
      'unreachable after 5 s: connect ETIMEDOUT 10.0.3.19:8443\n',
    );
    // Not a replica: a file where directories go.
    await writeFile(join(dir, 'clickhouse', 'replicas', 'notes.txt'), 'x');

    // Act
    const read = await readRecording(dir);
    const replicas = await recordingClickHousePort(read).replicas?.();
    const failing = replicas?.find(
      (r) => r.name === 'langfuse-clickhouse-shard0-9',
    );

    // Assess
    expect(replicas).toHaveLength(4);
    await expect(
      failing?.port.snapshot({ start: new Date(0), end: new Date() }),
    ).rejects.toThrow(
      'unreachable after 5 s: connect ETIMEDOUT 10.0.3.19:8443',
    );
  });

  it('leaves a recording without replicas as it was', async () => {
    // Prepare
    const dir = await tempDir();
    await writeRecording(
      dir,
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T03:12:00Z'),
      }),
    );

    // Act
    const read = await readRecording(dir);
    const snapshot = await recordingClickHousePort(read).snapshot({
      start: new Date(read.meta.start),
      end: new Date(read.meta.end),
    });

    // Assess: no replicas, and the later queries were never asked.
    expect(existsSync(join(dir, 'clickhouse', 'replicas'))).toBe(false);
    expect(read.clickhouse.replicas).toBeUndefined();
    expect(recordingClickHousePort(read).replicas).toBeUndefined();
    expect(Object.keys(snapshot.results)).not.toContain('part_log_tables');
    expect(snapshot.results.merges?.ok).toBe(true);
  });

  it('refuses two replicas under one name, which would overwrite each other', async () => {
    // Prepare
    const dir = await tempDir();
    const recording = simulateScenario('eks-replicas', {
      end: new Date('2026-11-23T03:12:00Z'),
    });
    const [first] = recording.clickhouse.replicas ?? [];
    const twice = {
      ...recording,
      clickhouse: {
        ...recording.clickhouse,
        replicas: [first, { ...first }] as typeof recording.clickhouse.replicas,
      },
    };

    // Act / Assess
    await expect(writeRecording(dir, twice)).rejects.toThrow(
      `replica name "${first?.name}" is given twice`,
    );
  });
});
