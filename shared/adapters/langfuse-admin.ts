/**
 * LangfuseAdminPort over HTTP: `POST {langfuseUrl}/api/admin/ingestion-replay`
 * with `Authorization: Bearer <ADMIN_API_KEY>` and the JSON body `{keys}`
 * (langfuse/langfuse web/src/pages/api/admin/ingestion-replay.ts; the
 * bearer check is AdminApiAuthService in
 * web/src/ee/features/admin-api/server/adminApiAuth.ts: 401 for a missing
 * or wrong token, 403 when the server has no ADMIN_API_KEY).
 *
 * Not post-json.ts: that helper discards the answer and throws one error
 * class, where the replay needs the answer's body, the status class and
 * Retry-After. Like it, the call never follows a redirect (the bearer
 * key goes to the configured host only) and its error lines never hold
 * the key.
 */
import type { AppConfig } from '../domain/config.ts';
import { parseCredentialsSecret } from '../domain/credentials.ts';
import {
  LangfuseRateLimitedError,
  LangfuseRejectedError,
  LangfuseUnavailableError,
  oneLine,
} from '../domain/errors.ts';
import type { LangfuseAdminPort } from '../domain/ports.ts';
import type { ReplayAnswer } from '../domain/recovery/contract.ts';

/** The endpoint's path under Langfuse's base URL. */
export const INGESTION_REPLAY_PATH = '/api/admin/ingestion-replay';

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function retryAfterSeconds(
  header: string | null,
  now: Date,
): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function isReplayAnswer(value: unknown): value is ReplayAnswer {
  const v = value as Partial<ReplayAnswer> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.queued) &&
    (v.queued as number) >= 0 &&
    Number.isInteger(v.skipped) &&
    (v.skipped as number) >= 0 &&
    Array.isArray(v.errors) &&
    v.errors.every((e) => typeof e === 'string')
  );
}

/** The endpoint's `{error}` text, one line and short, when it sent one. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed?.error === 'string') return oneLine(parsed.error);
    if (parsed?.error !== undefined) {
      return oneLine(JSON.stringify(parsed.error)).slice(0, 200);
    }
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return '';
}

/**
 * Builds the port. `timeoutMs` bounds each call (connect to the last byte
 * of the answer) with an AbortSignal that really aborts the request; a
 * caller's own signal aborts it too.
 */
export function createLangfuseAdmin(options: {
  baseUrl: string;
  adminKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
}): LangfuseAdminPort {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const url = new URL(
    INGESTION_REPLAY_PATH.slice(1),
    options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
  ).toString();
  const what = `Langfuse ${INGESTION_REPLAY_PATH}`;
  const hide = (text: string) =>
    options.adminKey ? text.split(options.adminKey).join('[key]') : text;

  return {
    async ingestionReplay(keys, signal) {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const abort = signal ? AbortSignal.any([deadline, signal]) : deadline;
      let status: number;
      let body: string;
      let retryAfter: string | null;
      try {
        const response = await fetchFn(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.adminKey}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({ keys }),
          redirect: 'error',
          signal: abort,
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        body = await response.text();
      } catch (error) {
        const timedOut = deadline.aborted;
        throw new LangfuseUnavailableError(
          timedOut
            ? `${what}: no answer within ${options.timeoutMs} ms`
            : `${what}: ${hide(oneLine(error))}`,
          { cause: error },
        );
      }
      const detail = hide(errorText(body));
      const said = detail ? `: ${detail}` : '';
      if (status === 200) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        if (!isReplayAnswer(parsed)) {
          throw new LangfuseUnavailableError(
            `${what}: answered 200 without {queued, skipped, errors}`,
          );
        }
        return {
          queued: parsed.queued,
          skipped: parsed.skipped,
          errors: parsed.errors.map((e) => hide(e)),
        };
      }
      if (status === 429) {
        const seconds = retryAfterSeconds(retryAfter, now());
        throw new LangfuseRateLimitedError(
          `${what}: rate limited (HTTP 429)${seconds === undefined ? '' : `, retry after ${seconds} s`}${said}`,
          seconds === undefined ? {} : { retryAfterSeconds: seconds },
        );
      }
      if (status === 400 || status === 401 || status === 403) {
        const why =
          status === 401
            ? ' (the admin key is wrong: langfuseAdminKey must equal ADMIN_API_KEY)'
            : status === 403
              ? ' (Langfuse has no ADMIN_API_KEY set)'
              : '';
        throw new LangfuseRejectedError(
          `${what}: refused with HTTP ${status}${why}${said}`,
        );
      }
      if (status >= 500) {
        throw new LangfuseUnavailableError(
          `${what}: answered HTTP ${status}${said}`,
        );
      }
      // 404 (an older Langfuse without the endpoint), 405, a redirect...
      throw new LangfuseRejectedError(
        `${what}: answered HTTP ${status}${said}`,
      );
    },
  };
}

/**
 * Each replay request's deadline: well inside the function's timeout, so
 * a Langfuse that does not answer becomes LangfuseUnavailableError (which
 * the state machine retries) rather than a timed-out Task.
 */
export const LANGFUSE_TIMEOUT_MS = 10_000;

/**
 * One port per file system with a recovery configuration: its
 * `langfuseUrl` and the `langfuseAdminKey` of its entry in the
 * per-file-system credentials secret. Checked at cold start: a malformed
 * secret stops the function with one line naming the file system and the
 * field, never a value.
 */
export function langfuseAdminPortsFrom(
  config: Pick<AppConfig, 'fileSystems'>,
  credentialsSecret: string | undefined,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): (fileSystemId: string) => LangfuseAdminPort | undefined {
  const entries = parseCredentialsSecret(credentialsSecret, config);
  const ports = new Map<string, LangfuseAdminPort>();
  for (const fs of config.fileSystems) {
    const adminKey = entries.get(fs.fileSystemId)?.langfuseAdminKey;
    if (!fs.recovery || !adminKey) continue;
    ports.set(
      fs.fileSystemId,
      createLangfuseAdmin({
        baseUrl: fs.recovery.langfuseUrl,
        adminKey,
        timeoutMs: options.timeoutMs ?? LANGFUSE_TIMEOUT_MS,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    );
  }
  return (fileSystemId) => ports.get(fileSystemId);
}
