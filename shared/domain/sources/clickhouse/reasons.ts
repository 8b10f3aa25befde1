/**
 * One short line for a failed ClickHouse query, and what kind of failure it
 * was: the server's own error text is long (it repeats the query, the
 * version, a stack), and whether the whole server is unusable depends on
 * the kind, not the text.
 */
import { oneLine } from '../../errors.ts';
import { redactThenTruncate } from '../../redact.ts';

/**
 * `connection`: no answer at all (refused, DNS, TLS, reset). `auth`: the
 * server refused the user. `timeout`: the client gave up waiting.
 * `query`: the server answered with an error for this query alone.
 */
export type FailureKind = 'connection' | 'auth' | 'timeout' | 'query';

/** Node's socket and TLS error codes that mean the server was not reached. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'EPROTO',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/**
 * ClickHouse error codes (src/Common/ErrorCodes.cpp) for a refused user:
 * UNKNOWN_USER 192, WRONG_PASSWORD 193, REQUIRED_PASSWORD 194,
 * IP_ADDRESS_NOT_ALLOWED 195, AUTHENTICATION_FAILED 516 (since 20.x the
 * server answers 516 for both unknown users and wrong passwords).
 */
const AUTH_CODES = new Set([192, 193, 194, 195, 516]);

const REASON_MAX_CHARS = 200;
/** ClickHouse's READONLY error code. */
const READONLY = 164;

/** The socket or TLS error code of an error or of its first cause. */
function socketCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    // Node reports a refused `localhost` (tried over IPv6 and IPv4) as an
    // AggregateError with an empty message; its errors hold the detail.
    const inner = (current as { errors?: unknown[] }).errors?.[0];
    current = inner ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The first message found on an error, its AggregateError parts or cause. */
function messageOf(error: unknown): string {
  const text = oneLine(error);
  if (text && text !== 'AggregateError') return text;
  const inner =
    (error as { errors?: unknown[] }).errors?.[0] ??
    (error as { cause?: unknown }).cause;
  return inner ? oneLine(inner) : text;
}

/**
 * The server's error code and message. @clickhouse/client turns a current
 * server's answer into a ClickHouseError whose `code` is the number (as a
 * string), `type` the name and `message` the bare text; an answer it cannot
 * parse (old servers: `Code: 60, e.displayText() = DB::Exception: ...,
 * e.what() = ...`) and chDB's errors (`Query failed: Code: 60.
 * DB::Exception: ... (UNKNOWN_TABLE)`) keep the whole text.
 */
function serverError(
  error: unknown,
  text: string,
): { code: number; message: string } | null {
  const parsed = error as { code?: unknown; type?: unknown };
  if (
    typeof parsed.code === 'string' &&
    /^\d+$/.test(parsed.code) &&
    typeof parsed.type === 'string'
  ) {
    return { code: Number(parsed.code), message: clean(text) };
  }
  const match = /Code: (\d+)[.,]\s*(?:e\.displayText\(\) = )?(.*)$/.exec(text);
  if (!match?.[1]) return null;
  return { code: Number(match[1]), message: clean(match[2] ?? '') };
}

/** The message without DB::Exception, version and error-name decorations. */
function clean(message: string): string {
  return message
    .replace(/^(?:DB::Exception: )+/, '')
    .replace(/, e\.what\(\) = .*$/, '')
    .replace(/\s*\(version [^)]*(?:\([^)]*\))?[^)]*\)\.?\s*$/, '')
    .replace(/\.?\s*\([A-Z0-9_]{3,}\)\.?\s*$/, '')
    .replace(/[.\s]+$/, '')
    .trim();
}

/** The table an unknown-table error names, if it is one. */
function missingTable(message: string): string | null {
  const match =
    /Unknown table expression identifier '([^']+)'/.exec(message) ??
    /Table ([\w.]+) doesn't exist/.exec(message) ??
    /Table ([\w.]+) does not exist/.exec(message);
  return match?.[1] ?? null;
}

/**
 * Classifies a failed query and says why in one line, e.g. `system.part_log
 * does not exist on this server (its part_log section is off)` or
 * `ClickHouse error 159: Timeout exceeded: elapsed 4.1 seconds, maximum: 4`.
 */
export function describeClickHouseError(
  error: unknown,
  options: {
    timeoutMs?: number;
    /** The password: redacted from the reason before it is shortened. */
    secret?: string;
  } = {},
): { kind: FailureKind; reason: string } {
  const truncate = (text: string) =>
    redactThenTruncate(text, REASON_MAX_CHARS, options.secret);
  const text = messageOf(error);
  const code = socketCode(error);
  if (code) {
    return { kind: 'connection', reason: truncate(text || code) };
  }
  // @clickhouse/client's text when request_timeout expires.
  if (/^Timeout error\.?$/.test(text) || /\bTimeout error\b/.test(text)) {
    const after =
      options.timeoutMs === undefined
        ? ''
        : ` after ${formatSeconds(options.timeoutMs)}`;
    return { kind: 'timeout', reason: `timed out${after}` };
  }
  const server = serverError(error, text);
  if (server) {
    if (AUTH_CODES.has(server.code)) {
      return { kind: 'auth', reason: truncate(server.message) };
    }
    const table = missingTable(server.message);
    if (table) {
      const why =
        table === 'system.part_log'
          ? ' (its part_log section is off in the server configuration)'
          : '';
      return {
        kind: 'query',
        reason: truncate(`${table} does not exist on this server${why}`),
      };
    }
    // A readonly=1 user cannot take the per-request limits.
    const hint =
      server.code === READONLY &&
      /setting in readonly mode/.test(server.message)
        ? ' (the user needs readonly=2, see docs/clickhouse.md)'
        : '';
    return {
      kind: 'query',
      reason: truncate(
        `ClickHouse error ${server.code}: ${server.message}${hint}`,
      ),
    };
  }
  return { kind: 'query', reason: truncate(text || 'unknown error') };
}

/** `5 s`, `1.5 s`: a duration for a person. */
export function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds} s`;
}
