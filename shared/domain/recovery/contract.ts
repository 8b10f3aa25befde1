/**
 * Recovery of the records Langfuse dropped: the contract between the
 * recovery state machine's steps, the local engine and the CLI.
 *
 * Langfuse v3 writes every ingested event to its S3 events bucket before it
 * reaches ClickHouse, and `POST /api/admin/ingestion-replay` enqueues stored
 * events again by key (langfuse/langfuse, web/src/pages/api/admin/
 * ingestion-replay.ts; operator guide worker/src/scripts/
 * replayIngestionEventsV2/README.md).
 */

/** The endpoint accepts 1 to 1,000 keys per request. */
export const REPLAY_MAX_KEYS_PER_REQUEST = 1000;

/**
 * The operator guide's defaults: 500 keys per request, 4 requests in
 * flight, 50 requests per second.
 */
export const RECOVERY_DEFAULTS = {
  batchSize: 500,
  maxConcurrency: 4,
  requestsPerSecond: 50,
} as const;

/** The window whose uploads are replayed, ISO 8601 instants. */
export type RecoveryWindow = { from: string; to: string };

/** Distinct records in ClickHouse for the window (`uniqExact(id)`). */
export type RecordCounts = { traces: number; observations: number };

/** What `ingestion-replay` answers with status 200. */
export type ReplayAnswer = {
  queued: number;
  skipped: number;
  errors: string[];
};

/**
 * How a recovery ended (or where it stands):
 * - `counted`: a dry run, nothing replayed;
 * - `offered`: counted and waiting for an approver;
 * - `recovered`: every batch replayed, no key failed;
 * - `partial`: replayed, some keys failed (listed in burstguard's bucket);
 * - `failed`: stopped part way (resume it from its checkpoint);
 * - `declined`, `expired`: the offer was refused or went unanswered;
 * - `nothing-to-replay`: no event in the window;
 * - `not-configured`: the file system has no recovery configuration.
 */
export const RECOVERY_STATUSES = [
  'counted',
  'offered',
  'recovered',
  'partial',
  'failed',
  'declined',
  'expired',
  'nothing-to-replay',
  'not-configured',
] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

/**
 * The `recovery` object of `--json` (a contract users script against:
 * extend it, never rename a field). `recordsBefore`/`recordsAfter` are the
 * distinct traces plus observations in the window; `records` splits them.
 */
export type RecoveryReport = {
  status: RecoveryStatus;
  window: RecoveryWindow;
  keysListed: number;
  keysQueued: number;
  keysSkipped: number;
  keysFailed: number;
  recordsBefore: number | null;
  recordsAfter: number | null;
  records?: { before: RecordCounts | null; after: RecordCounts | null };
  /** Where the failed keys were written (burstguard's own bucket). */
  failedKeysAt?: string;
};
