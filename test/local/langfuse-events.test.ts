/**
 * The simulated events bucket has the layout Langfuse writes (langfuse/
 * langfuse packages/shared/src/server/ingestion/processEventBatch.ts and
 * packages/shared/src/server/otel/OtelIngestionProcessor.ts; key shapes
 * from packages/shared/src/server/ingestion/eventBucketPath.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  OTEL_EVENT_KEY_REGEX,
  STANDARD_EVENT_KEY_REGEX,
} from '../../local/langfuse-admin-double.ts';
import {
  expectedRecovery,
  type IngestionEvent,
  type ResourceSpan,
  simulateLangfuseEvents,
} from '../../local/langfuse-events.ts';

const window = {
  start: new Date('2026-11-26T03:00:00.000Z'),
  end: new Date('2026-11-26T06:00:00.000Z'),
};
const events = simulateLangfuseEvents({ window, eventsPrefix: 'events/' });
const inWindow = (d: Date) => d >= window.start && d < window.end;

describe('simulateLangfuseEvents', () => {
  it('stores a standard object as an array of events of one entity, keyed by it', () => {
    const standard = events.objects.filter((o) => o.kind === 'standard');
    expect(standard.length).toBeGreaterThan(0);
    for (const object of standard) {
      const match = STANDARD_EVENT_KEY_REGEX.exec(
        object.key.slice('events/'.length),
      );
      expect(match, object.key).not.toBeNull();
      const [, projectId, entityType, bodyId, eventId] = match ?? [];
      const stored = JSON.parse(object.body) as IngestionEvent[];
      expect(Array.isArray(stored)).toBe(true);
      expect(stored[0]).toEqual(
        expect.objectContaining({
          id: eventId,
          type: expect.any(String),
          timestamp: expect.any(String),
          body: expect.objectContaining({ id: bodyId }),
        }),
      );
      expect(projectId).toBe('proj-web');
      expect(['trace', 'observation', 'dataset_run_item']).toContain(
        entityType,
      );
    }
  });

  it('stores an otel object as resourceSpans under its upload minute', () => {
    const otel = events.objects.filter((o) => o.kind === 'otel');
    expect(otel.length).toBeGreaterThan(0);
    for (const object of otel) {
      const match = OTEL_EVENT_KEY_REGEX.exec(
        object.key.slice('events/'.length),
      );
      expect(match, object.key).not.toBeNull();
      const [, , yyyy, mm, dd, hh, min] = match ?? [];
      const uploaded = new Date(object.lastModified.getTime() - 1_000);
      expect(`${yyyy}-${mm}-${dd}T${hh}:${min}`).toBe(
        uploaded.toISOString().slice(0, 16),
      );
      const spans = JSON.parse(object.body) as ResourceSpan[];
      expect(spans[0]?.scopeSpans[0]?.spans.length).toBeGreaterThan(0);
    }
  });

  it('uploads landed, dropped and unsupported objects in the window and the rest outside', () => {
    for (const object of events.objects) {
      expect(inWindow(object.lastModified), object.key).toBe(
        object.fate !== 'outside',
      );
    }
  });

  it('counts each dropped record once, however many keys it has', () => {
    const expected = expectedRecovery(events);
    // 14 SDK requests (trace, generation, span) plus a revision of one
    // generation, and 3 OTel exports (a root span and a generation each)
    expect(expected.dropped.keys).toHaveLength(14 * 3 + 1 + 3);
    expect(expected.dropped.records).toEqual({
      traces: 14 + 3,
      observations: 14 * 2 + 3 * 2,
    });
    expect(expected.unsupported.keys).toHaveLength(1);
  });
});
