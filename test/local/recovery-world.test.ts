/**
 * startRecoveryWorld: the events bucket and ClickHouse agree on what
 * landed, and a session handed in (the demo's) outlives the world.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Session } from 'chdb';
import { describe, expect, it } from 'vitest';
import { createLangfuseTables } from '../../local/langfuse-schema.ts';
import { startRecoveryWorld } from '../../local/recovery-world.ts';
import { simulateScenario } from '../../local/scenarios.ts';

describe('startRecoveryWorld', () => {
  it('uses the scenario recording window and holds what landed in ClickHouse', async () => {
    // Prepare
    const end = new Date('2026-11-26T06:00:30.000Z');
    const { meta } = simulateScenario('credits-exhausted', { end });
    const world = await startRecoveryWorld({
      scenario: 'credits-exhausted',
      end,
    });
    try {
      // Act
      const counts = await world.clickhouse.port.countRecords(world.window);
      const listed = await world.s3.client.send(
        new ListObjectsV2Command({ Bucket: world.eventsBucket }),
      );

      // Assess
      expect(world.window).toEqual({
        start: new Date(meta.start),
        end: new Date(meta.end),
      });
      expect(counts).toEqual(world.expected.landed.records);
      expect(listed.KeyCount).toBe(world.objects.length);
      expect(world.langfuse.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await world.close();
    }
  }, 60_000);

  it('leaves a session it was given open', async () => {
    // Prepare
    const session = new Session();
    try {
      createLangfuseTables(session);
      const world = await startRecoveryWorld({
        window: {
          start: new Date('2026-11-26T03:00:00Z'),
          end: new Date('2026-11-26T06:00:00Z'),
        },
        chdbSession: session,
      });

      // Act
      await world.close();

      // Assess: the landed rows are still there to count
      expect(
        Number(session.query('SELECT count() FROM traces', 'TSV').trim()),
      ).toBeGreaterThan(0);
    } finally {
      session.close();
    }
  }, 60_000);
});
