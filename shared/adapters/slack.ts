/**
 * SlackPort over @slack/web-api. The client's own retries are off: its
 * default policy retries for about 30 minutes and sleeps whatever
 * Retry-After says, while a Notify Task has 30 s. This adapter retries rate
 * limits itself, inside a wait budget, and turns every failure into a
 * SlackDeliveryError whose one line never carries the token.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { oneLine, SlackDeliveryError } from '../domain/errors.ts';
import type { SlackPort } from '../domain/ports.ts';
import { postBody, postJson } from './post-json.ts';

/**
 * SlackPort with its file upload and chat.update: to close an approval card
 * after a click, and to keep the status line of an incident's root message
 * current.
 */
export type SlackPortWithUpdate = SlackPort &
  Required<Pick<SlackPort, 'uploadFiles' | 'updateMessage'>>;

export type SlackPortOptions = {
  /** Deadline of each file's POST to its upload URL (default 10 s). */
  uploadTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Rate-limited calls retried after the first attempt. */
  maxRateLimitRetries?: number;
  /**
   * Time after the first attempt within which a retry may start. The worst
   * case is this plus one request timeout, kept under the 30 s Task timeout.
   */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  nowMs?: () => number;
};

const DEFAULT_MAX_RATE_LIMIT_RETRIES = 2;
const DEFAULT_BUDGET_MS = 12_000;
const DEFAULT_UPLOAD_TIMEOUT_MS = 10_000;

/**
 * Builds the WebClient the Slack port expects: no retries of its own,
 * rate limits rejected at once (the port decides whether to wait), a
 * per-request timeout.
 */
export function createSlackWebClient(options: {
  token: string;
  /** Another Web API base, e.g. `http://127.0.0.1:PORT/api/` in tests. */
  slackApiUrl?: string;
  timeoutMs: number;
}): WebClient {
  return new WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs,
    logLevel: LogLevel.ERROR,
  });
}

type SlackCallError = Error & {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  original?: Error;
};

const TOKEN_PATTERN = /xox[a-z]-[A-Za-z0-9-]+/g;

/** One line about a failed call, with any token cut out. */
function describeFailure(error: unknown, token: string | undefined): string {
  const e = error as SlackCallError;
  let text: string;
  switch (e?.code) {
    case 'slack_webapi_platform_error':
      text = `Slack answered ok=false: ${e.data?.error ?? 'unknown error'}`;
      break;
    case 'slack_webapi_http_error':
      text = `Slack answered HTTP ${e.statusCode}`;
      break;
    case 'slack_webapi_request_error': {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ...) is
      // its cause.
      const cause = (e.original?.cause ?? undefined) as
        | { code?: string }
        | undefined;
      const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
      text = `request failed: ${oneLine(e.original ?? e)}${code}`;
      break;
    }
    default:
      text = oneLine(error);
  }
  if (token) {
    text = text.split(token).join('[token]');
  }
  return text.replace(TOKEN_PATTERN, '[token]');
}

function isRateLimited(error: unknown): error is SlackCallError {
  return (
    (error as SlackCallError)?.code === 'slack_webapi_rate_limited_error' &&
    typeof (error as SlackCallError).retryAfter === 'number'
  );
}

/**
 * Wraps a WebClient made by createSlackWebClient. chat.postMessage goes to
 * the thread when `threadTs` is set. A 429 is retried after its Retry-After
 * while the budget allows; server errors are not retried, because Slack may
 * have posted the message before failing and a retry would post it twice.
 */
export function createSlackPort(
  client: WebClient,
  options: SlackPortOptions = {},
): SlackPortWithUpdate {
  const maxRetries =
    options.maxRateLimitRetries ?? DEFAULT_MAX_RATE_LIMIT_RETRIES;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const nowMs = options.nowMs ?? Date.now;

  async function call<T>(method: string, send: () => Promise<T>): Promise<T> {
    const startedMs = nowMs();
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        if (!isRateLimited(error)) {
          throw new SlackDeliveryError(
            `slack ${method}: ${describeFailure(error, client.token)}`,
            { cause: error },
          );
        }
        const waitMs = Math.max(0, error.retryAfter ?? 0) * 1000;
        const tries = attempt + 1;
        if (attempt >= maxRetries) {
          throw new SlackDeliveryError(
            `slack ${method}: rate limited ${tries} times, giving up`,
            { cause: error },
          );
        }
        if (nowMs() - startedMs + waitMs > budgetMs) {
          throw new SlackDeliveryError(
            `slack ${method}: rate limited, Retry-After ${error.retryAfter} s is past the ${budgetMs / 1000} s budget`,
            { cause: error },
          );
        }
        await sleep(waitMs);
      }
    }
  }

  function answer(
    method: string,
    result: { channel?: string; ts?: string },
  ): { channel: string; ts: string } {
    if (!result.channel || !result.ts) {
      throw new SlackDeliveryError(
        `slack ${method}: answer without channel or ts`,
      );
    }
    return { channel: result.channel, ts: result.ts };
  }

  return {
    async postMessage(message) {
      const result = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel: message.channel,
          text: message.text,
          // Block Kit is checked by Slack; the contract keeps blocks loose.
          blocks: message.blocks as never,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      return answer('chat.postMessage', result);
    },

    async uploadFiles(upload) {
      return uploadToThread(client, call, upload, {
        timeoutMs: options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS,
        fetch: options.fetch ?? fetch,
      });
    },

    async updateMessage(message) {
      const result = await call('chat.update', () =>
        client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          // Left out, Slack keeps the message's own (chat.update reference).
          ...(message.blocks ? { blocks: message.blocks as never } : {}),
          ...(message.attachments
            ? { attachments: message.attachments as never }
            : {}),
        }),
      );
      return answer('chat.update', result);
    },
  };
}

/**
 * Slack's external upload flow, into a thread (Slack API docs,
 * files.getUploadURLExternal: "Gets a URL for an edge external file
 * upload", taking `filename` and `length` in bytes and answering
 * `upload_url` and `file_id`; then the file's bytes are POSTed to
 * `upload_url`; files.completeUploadExternal: "Finishes an upload started
 * with files.getUploadURLExternal", taking `files` as `[{id, title}]`,
 * `channel_id` and `thread_ts`). The POST never follows a redirect and has
 * its own deadline; the upload URL carries no token, so none is sent.
 */
async function uploadToThread(
  client: WebClient,
  call: <T>(method: string, send: () => Promise<T>) => Promise<T>,
  upload: Parameters<NonNullable<SlackPortWithUpdate['uploadFiles']>>[0],
  options: { timeoutMs: number; fetch: typeof fetch },
) {
  const [first, ...rest] = await Promise.all(
    upload.files.map(async (file) => {
      const answer = await call('files.getUploadURLExternal', () =>
        client.files.getUploadURLExternal({
          filename: file.filename,
          length: file.bytes.byteLength,
          ...(file.altText ? { alt_text: file.altText } : {}),
        }),
      );
      if (!answer.upload_url || !answer.file_id) {
        throw new SlackDeliveryError(
          'slack files.getUploadURLExternal: answer without upload_url or file_id',
        );
      }
      await postBody(
        answer.upload_url,
        {
          contentType: 'application/octet-stream',
          body: file.bytes as Uint8Array<ArrayBuffer>,
        },
        {
          what: 'slack file upload',
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
        },
      );
      return { id: answer.file_id, title: file.title };
    }),
  );
  if (!first) return { files: [] };
  await call('files.completeUploadExternal', () =>
    client.files.completeUploadExternal({
      files: [first, ...rest],
      channel_id: upload.channel,
      thread_ts: upload.threadTs,
    }),
  );
  return { files: [first, ...rest] };
}

/**
 * Replies through an interaction's `response_url`: a JSON POST (Slack API
 * docs, "Handling user interaction"), bounded by an AbortSignal deadline
 * and never following a redirect, so the reply goes to the host that was
 * checked and nowhere else. The URL is checked by the caller.
 */
export function createResponseUrlResponder(options: {
  timeoutMs: number;
  fetch?: typeof fetch;
}): {
  respond(url: string, reply: Record<string, unknown>): Promise<void>;
} {
  return {
    respond: (url, reply) =>
      postJson(url, reply, { ...options, what: 'slack response_url' }),
  };
}
