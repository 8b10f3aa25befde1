/**
 * The offline world a recovery runs against: a loopback S3 server holding
 * Langfuse's events bucket for the incident window (local/langfuse-events.ts)
 * and burstguard's own bucket, Langfuse's tables in chDB with the records
 * that landed, and a double of Langfuse's admin ingestion-replay endpoint
 * that writes replayed records into those tables
 * (local/langfuse-admin-double.ts). Counting the window's records before
 * and after a replay (ClickHousePort.countRecords) is then a real count.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Session } from 'chdb';
import type { ClickHousePort } from '../shared/domain/ports.ts';
import type { RecordCounts } from '../shared/domain/recovery/contract.ts';
import { createChdbPort } from './clickhouse-chdb.ts';
import {
  type LangfuseAdminDouble,
  startLangfuseAdminDouble,
} from './langfuse-admin-double.ts';
import {
  expectedRecovery,
  insertLangfuseRows,
  type ObjectFate,
  type StoredEventObject,
  simulateLangfuseEvents,
} from './langfuse-events.ts';
import { createLangfuseTables } from './langfuse-schema.ts';
import { startS3Server } from './s3-server.ts';
import { type ScenarioName, simulateScenario } from './scenarios.ts';

export const WORLD_EVENTS_BUCKET = 'langfuse-events';
export const WORLD_OWN_BUCKET = 'burstguard-recovery';
export const WORLD_ADMIN_KEY = 'lf-admin-demo-key';

export type RecoveryWorldOptions = {
  /** The incident window; else the scenario's recording window. */
  window?: { start: Date; end: Date };
  /** Default `credits-exhausted`, ending at `end` (default now). */
  scenario?: ScenarioName;
  end?: Date;
  /** A session with Langfuse's tables (the demo's); else a new one. */
  chdbSession?: Session;
  /** LANGFUSE_S3_EVENT_UPLOAD_PREFIX; default '' as in Langfuse. */
  eventsPrefix?: string;
  /** ADMIN_API_KEY; `null` stands for a web container without one. */
  adminKey?: string | null;
};

export type RecoveryWorld = {
  window: { start: Date; end: Date };
  s3: { endpoint: string; client: S3Client };
  eventsBucket: string;
  eventsPrefix: string;
  ownBucket: string;
  langfuse: Pick<
    LangfuseAdminDouble,
    'url' | 'adminKey' | 'requests' | 'jobs' | 'faults'
  >;
  clickhouse: {
    session: Session;
    port: ClickHousePort & Required<Pick<ClickHousePort, 'countRecords'>>;
  };
  objects: StoredEventObject[];
  /** What a recovery of the window should find, per fate. */
  expected: Record<ObjectFate, { keys: string[]; records: RecordCounts }>;
  close(): Promise<void>;
};

/** Starts the world; `close()` stops every server it started. */
export async function startRecoveryWorld(
  options: RecoveryWorldOptions = {},
): Promise<RecoveryWorld> {
  const window =
    options.window ??
    (() => {
      const { meta } = simulateScenario(
        options.scenario ?? 'credits-exhausted',
        options.end ? { end: options.end } : {},
      );
      return { start: new Date(meta.start), end: new Date(meta.end) };
    })();
  const events = simulateLangfuseEvents({
    window,
    eventsPrefix: options.eventsPrefix ?? '',
  });
  const ownSession = !options.chdbSession;
  const session = options.chdbSession ?? new Session();
  const closers: (() => Promise<void>)[] = [];
  if (ownSession) closers.push(async () => session.close());
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    createLangfuseTables(session);
    const s3 = await startS3Server({
      buckets: [WORLD_EVENTS_BUCKET, WORLD_OWN_BUCKET],
    });
    closers.push(() => s3.close());
    for (const object of events.objects) {
      await s3.putObject({
        bucket: WORLD_EVENTS_BUCKET,
        key: object.key,
        body: object.body,
        lastModified: object.lastModified,
      });
      if (object.fate === 'landed' || object.fate === 'outside') {
        insertLangfuseRows(session, object.rows);
      }
    }
    const adminKey =
      options.adminKey === null
        ? undefined
        : (options.adminKey ?? WORLD_ADMIN_KEY);
    const langfuse = await startLangfuseAdminDouble({
      adminKey,
      s3: s3.client,
      eventsBucket: WORLD_EVENTS_BUCKET,
      eventsPrefix: events.eventsPrefix,
      session,
    });
    closers.push(() => langfuse.close());
    return {
      window,
      s3: { endpoint: s3.endpoint, client: s3.client },
      eventsBucket: WORLD_EVENTS_BUCKET,
      eventsPrefix: events.eventsPrefix,
      ownBucket: WORLD_OWN_BUCKET,
      langfuse,
      clickhouse: { session, port: createChdbPort(session) },
      objects: events.objects,
      expected: expectedRecovery(events),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
