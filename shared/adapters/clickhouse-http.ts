/**
 * ClickHousePort over @clickhouse/client (HTTP or HTTPS): the snapshot
 * queries in parallel, read-only and bounded, with a client timeout well
 * under the 30 s Task timeout. A query that fails is reported alone; a
 * server that cannot be used at all (refused, wrong password, every query
 * timed out) becomes one SourceUnavailableError line.
 */
import {
  type ClickHouseClient,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client';
import {
  dateTimeParam,
  SNAPSHOT_QUERIES,
  SNAPSHOT_SETTINGS,
  WINDOWED_QUERIES,
} from '../clickhouse/queries.ts';
import { oneLine, SourceUnavailableError } from '../errors.ts';
import {
  type ClickHousePort,
  type ClickHouseSnapshot,
  SNAPSHOT_QUERY_NAMES,
} from '../ports.ts';

export type ClickHouseHttpOptions = {
  url: string;
  username: string;
  password?: string;
  database?: string;
  timeoutMs: number;
  /** A prepared client (tests); the options above are then ignored. */
  client?: ClickHouseClient;
};

/** Why a whole server is unusable, from one query's error; else null. */
export function fatalReason(error: unknown, timeoutMs: number): string | null {
  const text = oneLine(error);
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(text)) {
    return `connection refused: ${text}`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `host not found: ${text}`;
  }
  if (/Authentication failed|AUTHENTICATION_FAILED|Code: 516|Code: 192|Code: 193/.test(text)) {
    return `authentication failed: ${text.replace(/\s*\(version [^)]*\)\s*$/, '')}`;
  }
  if (/Timeout error/.test(text) || code === 'ETIMEDOUT') {
    return `unreachable after ${timeoutMs / 1000} s: timed out`;
  }
  return null;
}

/** Removes anything that looks like a password from an error line. */
function redact(text: string, password?: string): string {
  const cut = password ? text.split(password).join('***') : text;
  return cut.slice(0, 300);
}

export function createClickHouseHttpPort(
  options: ClickHouseHttpOptions,
): ClickHousePort & { close(): Promise<void> } {
  const client =
    options.client ??
    createClient({
      url: options.url,
      username: options.username,
      password: options.password ?? '',
      database: options.database ?? 'default',
      request_timeout: options.timeoutMs,
      // One query per table family, in parallel: a handful of sockets.
      max_open_connections: 10,
      compression: { request: false, response: true },
      clickhouse_settings: SNAPSHOT_SETTINGS as ClickHouseSettings,
    });

  return {
    async close() {
      await client.close();
    },
    async snapshot({ start, end }) {
      const started = performance.now();
      const results: ClickHouseSnapshot['results'] = {};
      const fatal: string[] = [];
      await Promise.all(
        SNAPSHOT_QUERY_NAMES.map(async (name) => {
          try {
            const result = await client.query({
              query: SNAPSHOT_QUERIES[name],
              format: 'JSONEachRow',
              ...(WINDOWED_QUERIES.has(name)
                ? {
                    query_params: {
                      start: dateTimeParam(start),
                      end: dateTimeParam(end),
                    },
                  }
                : {}),
            });
            results[name] = {
              ok: true,
              rows: await result.json<Record<string, unknown>>(),
            };
          } catch (error) {
            const reason = fatalReason(error, options.timeoutMs);
            if (reason) fatal.push(redact(reason, options.password));
            results[name] = {
              ok: false,
              reason: redact(reason ?? oneLine(error), options.password),
            };
          }
        }),
      );
      const answered = Object.values(results).filter((r) => r?.ok).length;
      if (answered === 0 && fatal.length > 0) {
        throw new SourceUnavailableError(fatal[0] as string);
      }
      return { elapsedMs: Math.round(performance.now() - started), results };
    },
  };
}
