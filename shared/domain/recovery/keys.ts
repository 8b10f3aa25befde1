/**
 * Which keys of Langfuse's events bucket the ingestion replay takes, in
 * which window, and under which prefixes to list them. Pure.
 *
 * The key rules mirror Langfuse's endpoint (langfuse/langfuse,
 * web/src/pages/api/admin/ingestion-replay.ts): OTEL_KEY_REGEX and
 * STANDARD_KEY_REGEX below are its two expressions, and a standard key's
 * `{type}` is replayed only when `${type}-create` is one of the values of
 * `eventTypes` (packages/shared/src/server/ingestion/types.ts):
 * trace-create, score-create, event-create, span-create,
 * generation-create, observation-create. Any other type (`sdk_log`, say)
 * is answered "Unsupported replay type" and skipped.
 *
 * The events prefix (`LANGFUSE_S3_EVENT_UPLOAD_PREFIX`):
 * - standard keys: Langfuse's worker rebuilds the folder to read as
 *   `${LANGFUSE_S3_EVENT_UPLOAD_PREFIX}${projectId}/${entityType}/${eventBodyId}/`
 *   (worker/src/queues/ingestionQueue.ts), and the endpoint takes the
 *   first path segment as the project id, so a standard key is sent with
 *   the prefix stripped;
 * - otel keys: the upload key already holds the prefix
 *   (`${LANGFUSE_S3_EVENT_UPLOAD_PREFIX}otel/${projectId}/...`,
 *   packages/shared/src/server/otel/OtelIngestionProcessor.ts) and the
 *   worker downloads the job's fileKey as given
 *   (worker/src/queues/otelIngestionQueue.ts), while the endpoint accepts
 *   only keys starting with `otel/`. With a non-empty prefix no form of an
 *   otel key both passes the endpoint and names the stored object, so such
 *   keys are reported as unsupported instead of sent.
 */
import type { RecoveryWindow } from './contract.ts';
import { REPLAY_MAX_KEYS_PER_REQUEST } from './contract.ts';
import type { BatchResult, RecoveryPrefix } from './steps.ts';
import { zeroCounters } from './store.ts';

/** Langfuse's OTEL_KEY_REGEX, verbatim. */
export const OTEL_KEY_REGEX =
  /^otel\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/([^.]+)\.json$/;

/** Langfuse's STANDARD_KEY_REGEX, verbatim. */
export const STANDARD_KEY_REGEX = /^([^/]+)\/([^/]+)\/(.+)\/([^/]+)\.json$/;

/**
 * The `{type}` segments the endpoint replays: those whose `${type}-create`
 * is a value of Langfuse's `eventTypes` (langfuse/langfuse
 * packages/shared/src/server/ingestion/types.ts: trace, score, event,
 * span, generation, the typed observations agent, tool, chain, retriever,
 * evaluator, embedding and guardrail, and the legacy observation).
 * `dataset_run_item` is not one: its event type is
 * `dataset-run-item-create`.
 */
export const REPLAYABLE_TYPES: ReadonlySet<string> = new Set([
  'trace',
  'score',
  'event',
  'span',
  'generation',
  'agent',
  'tool',
  'chain',
  'retriever',
  'evaluator',
  'embedding',
  'guardrail',
  'observation',
]);

/** What one listed key is, once the events prefix is taken off. */
export type KeyClass =
  | {
      kind: 'otel';
      /** The key as sent to Langfuse. */
      replayKey: string;
      projectId: string;
      /** The upload minute the key names (UTC, ISO 8601). */
      minute: string;
    }
  | { kind: 'standard'; replayKey: string; projectId: string; type: string }
  | { kind: 'unsupported'; reason: string };

/**
 * Classifies a listed key as Langfuse's endpoint would, after stripping
 * the events prefix where Langfuse's worker adds it back.
 */
export function classifyKey(listedKey: string, eventsPrefix: string): KeyClass {
  if (!listedKey.startsWith(eventsPrefix)) {
    return {
      kind: 'unsupported',
      reason: `outside the events prefix: ${listedKey}`,
    };
  }
  const key = listedKey.slice(eventsPrefix.length);
  const otel = OTEL_KEY_REGEX.exec(key);
  if (otel) {
    if (eventsPrefix !== '') {
      return {
        kind: 'unsupported',
        reason: `otel key under events prefix ${eventsPrefix}: Langfuse replays otel keys only without LANGFUSE_S3_EVENT_UPLOAD_PREFIX: ${listedKey}`,
      };
    }
    const [, projectId = '', yyyy, mm, dd, hh, min] = otel;
    return {
      kind: 'otel',
      replayKey: key,
      projectId,
      minute: `${yyyy}-${mm}-${dd}T${hh}:${min}:00.000Z`,
    };
  }
  const standard = STANDARD_KEY_REGEX.exec(key);
  if (standard) {
    const [, projectId = '', type = ''] = standard;
    if (!REPLAYABLE_TYPES.has(type)) {
      return {
        kind: 'unsupported',
        reason: `Unsupported replay type: ${type} (${listedKey})`,
      };
    }
    return { kind: 'standard', replayKey: key, projectId, type };
  }
  return { kind: 'unsupported', reason: `Invalid key format: ${listedKey}` };
}

/**
 * A LastModified as S3 or a map item gives it, in ms; NaN when unreadable.
 * The Distributed Map's `s3:listObjectsV2` reader hands each object over
 * with LastModified in epoch seconds (Step Functions developer guide,
 * "ItemReader (Map)": `"LastModified": 1668699881`); the S3 API and SDK give
 * a date.
 */
export function lastModifiedMs(value: string | number | Date): number {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

/**
 * Whether an instant (ms) is inside the window: from <= t <= to, with
 * `from` taken down to its second, since the Distributed Map's items carry
 * LastModified in whole seconds (an upload at 12:00:00.7 reads 12:00:00).
 */
export function inWindow(ms: number, window: RecoveryWindow): boolean {
  const from = Math.floor(Date.parse(window.from) / 1000) * 1000;
  return ms >= from && ms <= Date.parse(window.to);
}

/**
 * Whether a classified key belongs to the window. An otel key names the
 * minute of its upload: that minute must overlap the window and its
 * LastModified must be inside it too (a key rewritten later is not the
 * upload that was dropped). A standard key names no time: its LastModified
 * decides.
 */
export function keyInWindow(
  key: KeyClass,
  lastModified: string | number | Date,
  window: RecoveryWindow,
): boolean {
  if (key.kind === 'unsupported') return false;
  const modified = lastModifiedMs(lastModified);
  if (Number.isNaN(modified) || !inWindow(modified, window)) return false;
  if (key.kind === 'standard') return true;
  const minuteStart = Date.parse(key.minute);
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  return minuteStart + 60_000 > from && minuteStart <= to;
}

/**
 * Prefixes a plan may carry. Two limits bound it (Step Functions developer
 * guide, "Quotas"): a state holds at most 256 KB, and each prefix is about
 * 60 characters of it; an execution's history holds at most 25,000 events,
 * and the prefix loop spends about 15 events per prefix per pass (Choice,
 * Pass, the Map's entered/started/succeeded/exited and the cursor), twice
 * (count, then replay): about 800 prefixes. 600 leaves room for the rest
 * of the run.
 */
export const MAX_PLAN_PREFIXES = 600;

/** How finely otel uploads are listed: per hour, per day, or whole. */
type OtelGrain = 'hour' | 'day' | 'project';

function otelPaths(window: RecoveryWindow, grain: OtelGrain): string[] {
  if (grain === 'project') return [''];
  const stepMs = grain === 'hour' ? 3_600_000 : 86_400_000;
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const paths: string[] = [];
  for (let t = Math.floor(from / stepMs) * stepMs; t <= to; t += stepMs) {
    const iso = new Date(t).toISOString();
    const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/`;
    paths.push(grain === 'hour' ? `${day}${iso.slice(11, 13)}/` : day);
  }
  return paths;
}

/**
 * The prefixes to list for a window: `otel/{projectId}/{yyyy}/{mm}/{dd}/{hh}/`
 * per UTC hour the window touches for each project with otel uploads, and
 * `{projectId}/` for each project with standard keys (filtered by
 * LastModified later). All under the events prefix: otel keys under a
 * non-empty one are listed so that they are counted and reported, not
 * sent (see the module comment). When there would be more than
 * MAX_PLAN_PREFIXES, otel uploads are listed per day, then per project:
 * the batch filter still keeps only the window's minutes, so a coarser
 * prefix lists more keys but replays the same ones. Throws when even
 * that is too many.
 */
export function windowPrefixes(
  projects: { standard: readonly string[]; otel: readonly string[] },
  window: RecoveryWindow,
  eventsPrefix: string,
  maxPrefixes = MAX_PLAN_PREFIXES,
): RecoveryPrefix[] {
  const grains: OtelGrain[] = ['hour', 'day', 'project'];
  for (const grain of grains) {
    const paths = otelPaths(window, grain);
    if (
      projects.otel.length * paths.length + projects.standard.length >
      maxPrefixes
    ) {
      continue;
    }
    const prefixes: RecoveryPrefix[] = [];
    for (const projectId of projects.otel) {
      for (const path of paths) {
        prefixes.push({
          prefix: `${eventsPrefix}otel/${projectId}/${path}`,
          kind: 'otel',
        });
      }
    }
    for (const projectId of projects.standard) {
      prefixes.push({
        prefix: `${eventsPrefix}${projectId}/`,
        kind: 'standard',
      });
    }
    return prefixes;
  }
  throw new RangeError(
    `${projects.otel.length + projects.standard.length} project prefixes are more than one recovery plan holds (${maxPrefixes}): recover a narrower set of projects`,
  );
}

/**
 * The project ids among the common prefixes listed under `parent` (the
 * events prefix, or it followed by `otel/`): each `{parent}{projectId}/`,
 * without `otel` itself.
 */
export function projectIdsOf(
  commonPrefixes: readonly string[],
  parent: string,
): string[] {
  const ids = commonPrefixes
    .filter((p) => p.startsWith(parent) && p.endsWith('/'))
    .map((p) => p.slice(parent.length, -1))
    .filter((id) => id !== '' && id !== 'otel' && !id.includes('/'));
  return [...new Set(ids)].sort();
}

/** Splits keys into requests of at most `size` (<= 1,000) keys. */
export function splitBatches<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(
    1,
    Math.min(REPLAY_MAX_KEYS_PER_REQUEST, Math.floor(size)),
  );
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += step) {
    batches.push(items.slice(i, i + step));
  }
  return batches;
}

/** A result with nothing counted. */
export function emptyBatchResult(): BatchResult {
  const { batches: _, ...counts } = zeroCounters();
  return { ...counts, failedKeys: [], errors: [] };
}

/** The counters of several batch results added up; keys and errors joined. */
export function sumBatchResults(results: readonly BatchResult[]): BatchResult {
  const total = emptyBatchResult();
  for (const r of results) {
    total.listed += r.listed;
    total.inWindow += r.inWindow;
    total.queued += r.queued;
    total.skipped += r.skipped;
    total.failed += r.failed;
    total.unsupported += r.unsupported;
    total.failedKeys.push(...r.failedKeys);
    total.errors.push(...r.errors);
  }
  return total;
}

/**
 * Keys per second over the time from `startedAt` to `at` (ISO 8601);
 * undefined before a second has passed, when nothing can be rated.
 */
export function keysPerSecond(
  keys: number,
  startedAt: string | undefined,
  at: string,
): number | undefined {
  if (!startedAt) return undefined;
  const seconds = (Date.parse(at) - Date.parse(startedAt)) / 1000;
  if (!(seconds >= 1)) return undefined;
  return keys / seconds;
}
