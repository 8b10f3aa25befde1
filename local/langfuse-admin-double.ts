/**
 * A loopback double of Langfuse's `POST /api/admin/ingestion-replay` and of
 * the worker that consumes what it enqueues, read from langfuse/langfuse
 * (commit 62751446149b702b419a9292ddfc2280cdf74b8c):
 *
 * - the endpoint (web/src/pages/api/admin/ingestion-replay.ts): 405
 *   `{"error":"Method Not Allowed"}` for any other method; then
 *   AdminApiAuthService.handleAdminAuth (web/src/ee/features/admin-api/
 *   server/adminApiAuth.ts): no Authorization header 401 "Unauthorized: No
 *   authorization header provided", ADMIN_API_KEY unset 403 "ADMIN_API_KEY
 *   is not set", not `Bearer <token>` or a different token (compared with
 *   timingSafeEqual) 401 "Unauthorized: Invalid token"; then the body
 *   `{keys: string[]}` with 1 to 1,000 keys (zod; else 400 with the zod
 *   error); each key parsed by `parseEventKey` (packages/shared/src/server/
 *   ingestion/eventBucketPath.ts, OTEL_EVENT_KEY_REGEX first, then
 *   STANDARD_EVENT_KEY_REGEX): an otel key is queued, a standard key is
 *   queued when `${entityType}-create` is one of eventTypes, else skipped
 *   with "Unsupported replay type: <type>", and anything else is skipped
 *   with "Invalid key format: <key>"; the answer is 200
 *   `{queued, skipped, errors}`;
 * - the worker (worker/src/queues/ingestionQueue.ts): a standard job lists
 *   every file under `{LANGFUSE_S3_EVENT_UPLOAD_PREFIX}{projectId}/
 *   {entityType}/{eventBodyId}/` (the replay job sets no skipS3List),
 *   downloads and merges them, and writes one row with a new event_ts
 *   (IngestionService.mergeAndWrite); an otel job
 *   (worker/src/queues/otelIngestionQueue.ts) downloads its `fileKey`
 *   verbatim, without the events prefix, so with a non-empty
 *   LANGFUSE_S3_EVENT_UPLOAD_PREFIX an otel replay queues and then fails
 *   to find its object.
 *
 * The endpoint itself never answers 429; a proxy or rate limiter in front
 * of it does (the operator guide's replay script backs off on 429 and 5xx:
 * worker/src/scripts/replayIngestionEventsV2/README.md). The faults below
 * stand for that proxy (429 with Retry-After) and for a failing queue
 * (500 with the handler's error shape).
 *
 * Here the worker runs at once, before the answer, so the ClickHouse count
 * after a replay is final when the request returns; Langfuse's runs later
 * from its queues.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Session } from 'chdb';
import * as z from 'zod';
import type { ReplayAnswer } from '../shared/domain/recovery/contract.ts';
import {
  type IngestionEvent,
  insertLangfuseRows,
  type LangfuseRows,
  type ResourceSpan,
  rowsFromEvents,
  rowsFromResourceSpans,
} from './langfuse-events.ts';

export const INGESTION_REPLAY_PATH = '/api/admin/ingestion-replay';

/** Langfuse's eventTypes (packages/shared/src/server/ingestion/types.ts). */
export const LANGFUSE_EVENT_TYPES = [
  'trace-create',
  'score-create',
  'event-create',
  'span-create',
  'span-update',
  'generation-create',
  'generation-update',
  'agent-create',
  'tool-create',
  'chain-create',
  'retriever-create',
  'evaluator-create',
  'embedding-create',
  'guardrail-create',
  'sdk-log',
  'dataset-run-item-create',
  'observation-create',
  'observation-update',
] as const;
const REPLAYABLE_TYPES = new Set<string>(
  LANGFUSE_EVENT_TYPES.filter((t) => t.endsWith('-create')),
);

/** eventBucketPath.ts, verbatim. */
export const STANDARD_EVENT_KEY_REGEX =
  /^([^/]+)\/([^/]+)\/(.+)\/([^/]+)\.json$/;
export const OTEL_EVENT_KEY_REGEX =
  /^otel\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/([^.]+)\.json$/;

const IngestionReplayBody = z.object({
  keys: z.array(z.string()).min(1).max(1000),
});

/** Next.js API routes parse JSON bodies up to 1 MB by default. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export type RecordedRequest = {
  /** 1-based, in arrival order. */
  n: number;
  method: string;
  path: string;
  /** The Authorization header was the admin key. */
  authorized: boolean;
  /** Keys in a well-formed body, else null. */
  keys: number | null;
  status: number;
  answer?: ReplayAnswer;
  retryAfter?: string;
};

/** One job the worker ran. */
export type WorkerJob = {
  key: string;
  kind: 'standard' | 'otel';
  ok: boolean;
  error?: string;
  /** Rows written (a replay of a landed record writes a duplicate row). */
  rows: { traces: number; observations: number };
};

export type ReplayFaults = {
  /** The next `count` requests answer 429 with `Retry-After`. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** Requests number `from` to `to` (1-based, inclusive) answer 500. */
  failRequests(from: number, to: number): void;
  clear(): void;
};

export type LangfuseAdminDouble = {
  /** `http://127.0.0.1:PORT`; the endpoint is at INGESTION_REPLAY_PATH. */
  url: string;
  adminKey: string;
  requests: RecordedRequest[];
  jobs: WorkerJob[];
  faults: ReplayFaults;
  close(): Promise<void>;
};

export type LangfuseAdminDoubleOptions = {
  /** ADMIN_API_KEY; undefined stands for a web container without it. */
  adminKey: string | undefined;
  s3: S3Client;
  /** LANGFUSE_S3_EVENT_UPLOAD_BUCKET. */
  eventsBucket: string;
  /** LANGFUSE_S3_EVENT_UPLOAD_PREFIX. */
  eventsPrefix: string;
  /** The chDB session holding Langfuse's tables. */
  session: Session;
};

type Job =
  | { kind: 'otel'; key: string; projectId: string }
  | { kind: 'standard'; key: string; projectId: string; bucketPrefix: string };

/** The endpoint's per-key decision: a job, or a skip with its error. */
export function parseReplayKey(
  key: string,
  eventsPrefix: string,
): Job | { error: string } {
  const otel = OTEL_EVENT_KEY_REGEX.exec(key);
  if (otel) return { kind: 'otel', key, projectId: otel[1] ?? '' };
  const standard = STANDARD_EVENT_KEY_REGEX.exec(key);
  if (standard) {
    const [, projectId = '', entityType = '', eventBodyId = ''] = standard;
    if (!REPLAYABLE_TYPES.has(`${entityType}-create`)) {
      return { error: `Unsupported replay type: ${entityType}` };
    }
    return {
      kind: 'standard',
      key,
      projectId,
      // rawEventBucketPrefix: the events prefix, then the segments verbatim.
      bucketPrefix: `${eventsPrefix}${projectId}/${entityType}/${eventBodyId}/`,
    };
  }
  return { error: `Invalid key format: ${key}` };
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** AdminApiAuthService.handleAdminAuth: null when allowed. */
function authFailure(
  header: string | undefined,
  adminKey: string | undefined,
): { status: number; error: string } | null {
  if (!header) {
    return {
      status: 401,
      error: 'Unauthorized: No authorization header provided',
    };
  }
  if (!adminKey) return { status: 403, error: 'ADMIN_API_KEY is not set' };
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token || !sameKey(token, adminKey)) {
    return { status: 401, error: 'Unauthorized: Invalid token' };
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function getText(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<string> {
  const object = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key }),
  );
  return (await object.Body?.transformToString()) ?? '';
}

async function listKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

const asArray = (parsed: unknown): unknown[] =>
  Array.isArray(parsed) ? parsed : [parsed];

/** What the worker does with one job; throws as the worker's job fails. */
async function runJob(
  job: Job,
  options: LangfuseAdminDoubleOptions,
): Promise<LangfuseRows> {
  const { s3, eventsBucket } = options;
  if (job.kind === 'otel') {
    const text = await getText(s3, eventsBucket, job.key);
    return rowsFromResourceSpans(
      job.projectId,
      asArray(JSON.parse(text)) as ResourceSpan[],
    );
  }
  const files = await listKeys(s3, eventsBucket, job.bucketPrefix);
  if (files.length === 0) {
    throw new Error(`No events found under ${job.bucketPrefix}`);
  }
  const events: IngestionEvent[] = [];
  for (const file of files) {
    events.push(
      ...(asArray(
        JSON.parse(await getText(s3, eventsBucket, file)),
      ) as IngestionEvent[]),
    );
  }
  return rowsFromEvents(job.projectId, events);
}

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Starts the double on 127.0.0.1, a free port. */
export async function startLangfuseAdminDouble(
  options: LangfuseAdminDoubleOptions,
): Promise<LangfuseAdminDouble> {
  const requests: RecordedRequest[] = [];
  const jobs: WorkerJob[] = [];
  let rateLimited: { left: number; retryAfter: number } = {
    left: 0,
    retryAfter: 1,
  };
  let failing: { from: number; to: number } | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const record: RecordedRequest = {
      n: requests.length + 1,
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      authorized: false,
      keys: null,
      status: 0,
    };
    requests.push(record);
    const send = (status: number, body: unknown, headers = {}) => {
      record.status = status;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const raw = await readBody(req);
    if (record.path !== INGESTION_REPLAY_PATH) {
      send(404, { error: 'Not Found' });
      return;
    }
    if (rateLimited.left > 0) {
      rateLimited.left--;
      record.retryAfter = String(rateLimited.retryAfter);
      send(
        429,
        { error: 'Too Many Requests' },
        {
          'retry-after': record.retryAfter,
        },
      );
      return;
    }
    if (failing && record.n >= failing.from && record.n <= failing.to) {
      send(500, { error: 'Failed to get SecondaryIngestionQueue' });
      return;
    }
    // Next.js parses the body before the handler runs: an oversized or
    // malformed JSON body is refused whatever the method or credentials.
    if (raw === null) {
      record.status = 413;
      res.writeHead(413, { 'content-type': 'text/plain' });
      res.end('Body exceeded 1mb limit');
      return;
    }
    let body: unknown = raw.toString('utf8');
    if (/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      try {
        body = raw.length === 0 ? undefined : JSON.parse(body as string);
      } catch {
        record.status = 400;
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('Invalid JSON');
        return;
      }
    }
    if (req.method !== 'POST') {
      send(405, { error: 'Method Not Allowed' });
      return;
    }
    const denied = authFailure(req.headers.authorization, options.adminKey);
    if (denied) {
      send(denied.status, { error: denied.error });
      return;
    }
    record.authorized = true;
    const parsed = IngestionReplayBody.safeParse(body);
    if (!parsed.success) {
      send(400, { error: parsed.error });
      return;
    }
    record.keys = parsed.data.keys.length;
    const queue: Job[] = [];
    const errors: string[] = [];
    for (const key of parsed.data.keys) {
      const decision = parseReplayKey(key, options.eventsPrefix);
      if ('error' in decision) errors.push(decision.error);
      else queue.push(decision);
    }
    for (const job of queue) {
      try {
        const rows = await runJob(job, options);
        insertLangfuseRows(options.session, rows);
        jobs.push({
          key: job.key,
          kind: job.kind,
          ok: true,
          rows: {
            traces: rows.traces.length,
            observations: rows.observations.length,
          },
        });
      } catch (error) {
        jobs.push({
          key: job.key,
          kind: job.kind,
          ok: false,
          error: describe(error),
          rows: { traces: 0, observations: 0 },
        });
      }
    }
    const answer: ReplayAnswer = {
      queued: queue.length,
      skipped: errors.length,
      errors,
    };
    record.answer = answer;
    send(200, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
      }
      res.end(JSON.stringify({ error: describe(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: options.adminKey ?? '',
    requests,
    jobs,
    faults: {
      rateLimitNext(count, retryAfterSeconds = 1) {
        rateLimited = { left: count, retryAfter: retryAfterSeconds };
      },
      failRequests(from, to) {
        failing = { from, to };
      },
      clear() {
        rateLimited = { left: 0, retryAfter: 1 };
        failing = null;
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
