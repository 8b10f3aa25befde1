/**
 * Langfuse's `POST /api/admin/ingestion-replay` on loopback, written from
 * its source (langfuse/langfuse web/src/pages/api/admin/ingestion-replay.ts
 * and web/src/ee/features/admin-api/server/adminApiAuth.ts):
 * - not POST: 405 `{error: "Method Not Allowed"}`;
 * - no Authorization header: 401 "Unauthorized: No authorization header
 *   provided"; not `Bearer <ADMIN_API_KEY>`: 401 "Unauthorized: Invalid
 *   token"; no ADMIN_API_KEY on the server: 403;
 * - body not `{keys: string[]}` with 1 to 1,000 keys: 400 `{error}`;
 * - each key: OTEL_KEY_REGEX queues it; else STANDARD_KEY_REGEX queues it
 *   when `${type}-create` is in eventTypes, or skips it with
 *   "Unsupported replay type: ${type}"; else skips it with "Invalid key
 *   format: ${key}";
 * - 200 `{queued, skipped, errors}`.
 * It can also be told to answer 429 (with Retry-After) or 500, or to hang.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  LANGFUSE_EVENT_TYPES,
  OTEL_EVENT_KEY_REGEX,
  STANDARD_EVENT_KEY_REGEX,
} from '../../local/langfuse-admin-double.ts';

export type ReplayServer = {
  baseUrl: string;
  /** Every request as received (also the refused ones). */
  requests: {
    method?: string;
    /** The request's path and query. */
    path?: string;
    authorization?: string;
    body: unknown;
  }[];
  /** Every key queued. */
  queued: string[];
  /** The next answers: a status (and Retry-After), or 'hang'. */
  queue(...answers: ({ status: number; retryAfter?: string } | 'hang')[]): void;
  close(): Promise<void>;
};

export async function startReplayServer(
  adminKey: string | undefined,
): Promise<ReplayServer> {
  const requests: ReplayServer['requests'] = [];
  const queued: string[] = [];
  const answers: ({ status: number; retryAfter?: string } | 'hang')[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers = {}) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
        });
        res.end(JSON.stringify(body));
      };
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      requests.push({
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        body,
      });
      const next = answers.shift();
      if (next === 'hang') return;
      if (next) {
        send(
          next.status,
          { error: next.status === 429 ? 'Too Many Requests' : 'Internal' },
          next.retryAfter ? { 'retry-after': next.retryAfter } : {},
        );
        return;
      }
      if (req.method !== 'POST') {
        send(405, { error: 'Method Not Allowed' });
        return;
      }
      if (!adminKey) {
        send(403, { error: 'ADMIN_API_KEY is not set' });
        return;
      }
      const auth = req.headers.authorization;
      if (!auth) {
        send(401, { error: 'Unauthorized: No authorization header provided' });
        return;
      }
      const [scheme, token] = auth.split(' ');
      if (scheme !== 'Bearer' || token !== adminKey) {
        send(401, { error: 'Unauthorized: Invalid token' });
        return;
      }
      const keys = (body as { keys?: unknown })?.keys;
      if (
        !Array.isArray(keys) ||
        keys.length < 1 ||
        keys.length > 1000 ||
        !keys.every((k) => typeof k === 'string')
      ) {
        send(400, { error: { issues: [{ path: ['keys'] }] } });
        return;
      }
      let skipped = 0;
      const errors: string[] = [];
      for (const key of keys as string[]) {
        if (OTEL_EVENT_KEY_REGEX.test(key)) {
          queued.push(key);
          continue;
        }
        const standard = STANDARD_EVENT_KEY_REGEX.exec(key);
        if (standard) {
          if (
            !(LANGFUSE_EVENT_TYPES as readonly string[]).includes(
              `${standard[2]}-create`,
            )
          ) {
            skipped++;
            errors.push(`Unsupported replay type: ${standard[2]}`);
            continue;
          }
          queued.push(key);
          continue;
        }
        skipped++;
        errors.push(`Invalid key format: ${key}`);
      }
      send(200, { queued: keys.length - skipped, skipped, errors });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    queued,
    queue: (...next) => answers.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
