/**
 * One POST to a URL that is itself a credential (a Slack response_url or
 * upload_url, a pager webhook): bounded by an AbortSignal deadline, never
 * following a redirect (the request goes to the host that was checked and
 * nowhere else), and failing with one line that never holds the URL.
 */
import { oneLine, SlackDeliveryError } from '../domain/errors.ts';

type PostOptions = {
  timeoutMs: number;
  /** Names the call in errors, e.g. `slack response_url`. */
  what: string;
  fetch?: typeof fetch;
  /** The error class thrown (default SlackDeliveryError). */
  error?: new (
    message: string,
    options?: { cause?: unknown },
  ) => Error;
};

/** A JSON body (a webhook, a Slack response_url). */
export function postJson(
  url: string,
  body: Record<string, unknown>,
  options: PostOptions,
): Promise<void> {
  return postBody(
    url,
    {
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(body),
    },
    options,
  );
}

/** Any body with its content type (a file's bytes to a Slack upload_url). */
export async function postBody(
  url: string,
  payload: { contentType: string; body: string | Uint8Array<ArrayBuffer> },
  options: PostOptions,
): Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  const Failure = options.error ?? SlackDeliveryError;
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': payload.contentType },
      body: payload.body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error)?.name === 'TimeoutError';
    throw new Failure(
      timedOut
        ? `${options.what}: no answer within ${options.timeoutMs} ms`
        : `${options.what}: ${oneLine(error).split(url).join('[url]')}`,
      { cause: error },
    );
  }
  // The body is read so the socket is freed; its text is not needed.
  await response.text().catch(() => '');
  if (!response.ok) {
    throw new Failure(`${options.what}: answered HTTP ${response.status}`);
  }
}
