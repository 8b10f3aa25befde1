import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSlackPort,
  createSlackWebClient,
  type SlackPortOptions,
} from '../../shared/adapters/slack.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import { SlackDeliveryError } from '../../shared/domain/errors.ts';
import { md } from '../../shared/domain/messages/mrkdwn.ts';
import { rootStatus } from '../../shared/domain/messages/progress.ts';
import { type SlackDouble, startSlackDouble } from '../support/slack-double.ts';

const TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';

const finding: SlackMessage = {
  channel: 'C0123456789',
  text: 'EFS burst credits exhausted on fs-0123456789abcdef0',
  blocks: [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Burst credits exhausted*' },
    },
  ],
};

let slack: SlackDouble;

beforeEach(async () => {
  slack = await startSlackDouble();
});

afterEach(async () => {
  await slack.close();
});

/** The port over the real WebClient, with waits recorded instead of slept. */
function makePort(options: SlackPortOptions & { timeoutMs?: number } = {}) {
  const waitsMs: number[] = [];
  const client = createSlackWebClient({
    token: TOKEN,
    slackApiUrl: slack.url,
    timeoutMs: options.timeoutMs ?? 2_000,
  });
  const port = createSlackPort(client, {
    sleep: async (ms) => {
      waitsMs.push(ms);
    },
    ...options,
  });
  return { port, waitsMs };
}

async function deliveryError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('createSlackPort', () => {
  it('posts a message with its text and blocks to the channel', async () => {
    // Prepare
    slack.requireToken(TOKEN);
    const { port } = makePort();

    // Act
    const posted = await port.postMessage(finding);

    // Assess
    expect(posted).toEqual({ channel: 'C0123456789', ts: expect.any(String) });
    expect(slack.calls).toHaveLength(1);
    const [call] = slack.calls;
    expect(call?.method).toBe('chat.postMessage');
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.body).toMatchObject({
      channel: 'C0123456789',
      text: finding.text,
      blocks: finding.blocks,
    });
    expect(call?.body.thread_ts).toBeUndefined();
  });

  it('posts into the thread when a thread ts is given', async () => {
    // Prepare
    const { port } = makePort();
    const first = await port.postMessage({ ...finding, channel: '#oncall' });

    // Act
    const reply = await port.postMessage({
      ...finding,
      channel: first.channel,
      threadTs: first.ts,
      text: 'Switched to Elastic',
    });

    // Assess
    expect(first.channel).toMatch(/^C/);
    expect(reply.ts).not.toBe(first.ts);
    expect(slack.calls[1]?.body).toMatchObject({
      channel: first.channel,
      thread_ts: first.ts,
      text: 'Switched to Elastic',
    });
  });

  it('updates a message in place with chat.update', async () => {
    // Prepare
    const { port } = makePort();
    const card = await port.postMessage(finding);

    // Act
    const updated = await port.updateMessage({
      channel: card.channel,
      ts: card.ts,
      text: 'Approved by <@U012>',
      blocks: [],
    });

    // Assess
    expect(updated).toEqual(card);
    expect(slack.calls[1]).toMatchObject({
      method: 'chat.update',
      body: { channel: card.channel, ts: card.ts, text: 'Approved by <@U012>' },
    });
  });

  it('edits only the status attachment of a root message, leaving its blocks out so Slack keeps them', async () => {
    // chat.update (docs.slack.dev/reference/methods/chat.update): `channel`
    // (an id) and `ts` name the message; "If you don't include this field,
    // the message's previous blocks will be retained"; answers `ok`,
    // `channel`, `ts`, `text`. Rate limit: Tier 3.
    const { port } = makePort();
    const root = await port.postMessage(finding);
    const status = rootStatus('resolved', md`resolved at 03:40 UTC`);

    // Act
    const updated = await port.updateMessage({ ...root, ...status });

    // Assess
    expect(updated).toEqual(root);
    const call = slack.calls[1];
    expect(call?.method).toBe('chat.update');
    expect(call?.body).toMatchObject({
      channel: root.channel,
      ts: root.ts,
      text: status.text,
      attachments: status.attachments,
    });
    expect(call?.body).not.toHaveProperty('blocks');
  });

  it('retries after Retry-After when Slack rate limits the call', async () => {
    // Prepare
    slack.failNext(2, { kind: 'rate-limit', retryAfterSeconds: 3 });
    const { port, waitsMs } = makePort();

    // Act
    const posted = await port.postMessage(finding);

    // Assess
    expect(posted.ts).toMatch(/^\d+\.\d+$/);
    expect(waitsMs).toEqual([3_000, 3_000]);
    expect(slack.calls).toHaveLength(3);
  });

  it('waits the real Retry-After time with the default sleep', async () => {
    // Prepare
    slack.failNext(1, { kind: 'rate-limit', retryAfterSeconds: 1 });
    const client = createSlackWebClient({
      token: TOKEN,
      slackApiUrl: slack.url,
      timeoutMs: 2_000,
    });
    const port = createSlackPort(client);
    const startedMs = Date.now();

    // Act
    await port.postMessage(finding);

    // Assess
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(950);
    expect(slack.calls).toHaveLength(2);
  });

  it.each<[string, number, number, SlackPortOptions, unknown, number[]]>([
    [
      'gives up after the allowed number of rate-limit retries',
      5,
      1,
      { maxRateLimitRetries: 2 },
      'slack chat.postMessage: rate limited 3 times, giving up',
      [1_000, 1_000],
    ],
    [
      'gives up at once when Retry-After is past the wait budget',
      1,
      60,
      { budgetMs: 12_000 },
      expect.stringMatching(/Retry-After 60 s is past the 12 s budget/),
      [],
    ],
  ])(
    '%s',
    async (_title, refusals, retryAfterSeconds, options, message, waits) => {
      // Prepare
      slack.failNext(refusals, { kind: 'rate-limit', retryAfterSeconds });
      const { port, waitsMs } = makePort(options);

      // Act
      const error = await deliveryError(port.postMessage(finding));

      // Assess: the waits taken, then one call more than waits.
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect(error.name).toBe('SlackDeliveryError');
      expect(error.message).toEqual(message);
      expect(waitsMs).toEqual(waits);
      expect(slack.calls).toHaveLength(waits.length + 1);
    },
  );

  it('counts time already spent against the wait budget', async () => {
    // Prepare
    slack.failNext(3, { kind: 'rate-limit', retryAfterSeconds: 4 });
    let clockMs = 0;
    const { port, waitsMs } = makePort({
      budgetMs: 10_000,
      maxRateLimitRetries: 5,
      nowMs: () => clockMs,
      sleep: async (ms) => {
        waitsMs.push(ms);
        clockMs += ms;
      },
    });

    // Act
    const error = await deliveryError(port.postMessage(finding));

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(waitsMs).toEqual([4_000, 4_000]);
    expect(slack.calls).toHaveLength(3);
  });

  it('does not retry a server error, which may have posted already', async () => {
    // Prepare
    slack.failNext(1, { kind: 'http', status: 500 });
    const { port, waitsMs } = makePort();

    // Act
    const error = await deliveryError(port.postMessage(finding));

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).toBe(
      'slack chat.postMessage: Slack answered HTTP 500',
    );
    expect(waitsMs).toEqual([]);
    expect(slack.calls).toHaveLength(1);
  });

  it('reports the Slack error code when Slack answers ok false', async () => {
    // Prepare
    slack.failNext(1, { kind: 'platform', error: 'channel_not_found' });
    const { port } = makePort();

    // Act
    const error = await deliveryError(port.postMessage(finding));

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).toBe(
      'slack chat.postMessage: Slack answered ok=false: channel_not_found',
    );
  });

  it('fails with invalid_auth and no token in the line for a bad token', async () => {
    // Prepare
    slack.requireToken('xoxb-the-right-one');
    const { port } = makePort();

    // Act
    const error = await deliveryError(port.postMessage(finding));

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).toContain('invalid_auth');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain('xoxb-');
  });

  it('ends a stalled call at the client timeout', async () => {
    // Prepare
    slack.failNext(1, { kind: 'stall', ms: 5_000 });
    const { port } = makePort({ timeoutMs: 200 });

    // Act
    const error = await deliveryError(port.postMessage(finding));

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    // The double would answer `ok: false, stalled` after 5 s.
    expect(error.message).toMatch(/^slack chat.postMessage: request failed/);
    expect(error.message).not.toContain('stalled');
    expect(slack.calls).toHaveLength(1);
  });

  it('ends a call to a Slack that never answers at the client timeout', async () => {
    // Prepare: the double accepts the request and never answers.
    // @slack/web-api 8.x aborts each request with
    // `AbortSignal.timeout(timeout)` handed to fetch (dist/WebClient.js,
    // makeRequest), so `timeout` is a deadline, not a warning.
    slack.failNext(1, { kind: 'hang' });
    const { port } = makePort({ timeoutMs: 300 });
    const started = performance.now();

    // Act
    const error = await deliveryError(port.postMessage(finding));

    // Assess: a named error saying it timed out, far below the 30 s Task.
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).toBe(
      'slack chat.postMessage: request failed: The operation was aborted due to timeout',
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(slack.calls).toHaveLength(1);
  });

  it('fails in one line without the token when Slack is unreachable', async () => {
    // Prepare
    const { url } = slack;
    await slack.close();
    const port = createSlackPort(
      createSlackWebClient({ token: TOKEN, slackApiUrl: url, timeoutMs: 500 }),
    );

    // Act
    const error = await deliveryError(port.postMessage(finding));
    slack = await startSlackDouble();

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).toMatch(
      /^slack chat.postMessage: request failed: .*ECONNREFUSED/,
    );
    expect(error.message).not.toMatch(/\n/);
    expect(error.message).not.toContain(TOKEN);
  });
});

/**
 * Slack's external upload flow (Slack API docs,
 * https://docs.slack.dev/reference/methods/files.getUploadURLExternal,
 * https://docs.slack.dev/reference/methods/files.completeUploadExternal,
 * and @slack/web-api's FilesGetUploadURLExternalArguments and
 * FilesCompleteUploadExternalArguments): one getUploadURLExternal per file
 * with its filename and length in bytes, the bytes POSTed to the returned
 * upload_url, then one completeUploadExternal sharing every file into the
 * thread with channel_id and thread_ts.
 */
describe('createSlackPort uploadFiles', () => {
  const PNG_BYTES = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4,
  ]);
  const OTHER_BYTES = Buffer.from('second file, longer than the first');

  it('uploads each file, then shares them all into the thread, in that order', async () => {
    // Prepare
    slack.requireToken(TOKEN);
    const { port } = makePort();
    const root = await port.postMessage(finding);

    // Act
    const answer = await port.uploadFiles({
      channel: root.channel,
      threadTs: root.ts,
      files: [
        {
          filename: 'throughput.png',
          title: 'EFS throughput',
          bytes: PNG_BYTES,
          altText: 'EFS throughput, MiB/s',
        },
        {
          filename: 'errors.png',
          title: 'Langfuse errors',
          bytes: OTHER_BYTES,
        },
      ],
    });

    // Assess: the order of the flow, each call's parameters.
    const methods = slack.calls.map((c) => c.method);
    expect(methods).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const asked = slack.calls.filter(
      (c) => c.method === 'files.getUploadURLExternal',
    );
    expect(
      asked
        .map((c) => c.body)
        .sort((a, b) => String(a.filename).localeCompare(String(b.filename))),
    ).toEqual([
      { filename: 'errors.png', length: String(OTHER_BYTES.length) },
      {
        filename: 'throughput.png',
        length: String(PNG_BYTES.length),
        alt_text: 'EFS throughput, MiB/s',
      },
    ]);
    for (const call of slack.calls) {
      expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(slack.uploads).toHaveLength(2);
    const complete = slack.calls.at(-1);
    expect(complete?.body.channel_id).toBe(root.channel);
    expect(complete?.body.thread_ts).toBe(root.ts);
    expect(complete?.body.files).toEqual(
      answer.files.map((f) => ({ id: f.id, title: f.title })),
    );
    expect(
      slack.sharedFiles.map((f) => [f.filename, f.title, f.threadTs]),
    ).toEqual([
      ['throughput.png', 'EFS throughput', root.ts],
      ['errors.png', 'Langfuse errors', root.ts],
    ]);
    expect(slack.sharedFiles[0]?.bytes.equals(PNG_BYTES)).toBe(true);
    expect(slack.sharedFiles[1]?.bytes.equals(OTHER_BYTES)).toBe(true);
    expect(slack.sharedFiles[0]?.length).toBe(PNG_BYTES.length);
  });

  it('sends no token with the bytes: the upload URL is its own credential', async () => {
    // Prepare
    const seen: Headers[] = [];
    const spying = createSlackPort(
      createSlackWebClient({
        token: TOKEN,
        slackApiUrl: slack.url,
        timeoutMs: 2_000,
      }),
      {
        fetch: async (url, init) => {
          seen.push(new Headers(init?.headers));
          return fetch(url, init);
        },
      },
    );

    // Act
    await spying.uploadFiles({
      channel: 'C0123456789',
      threadTs: '1700000000.000001',
      files: [{ filename: 'a.png', title: 'A', bytes: PNG_BYTES }],
    });

    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]?.get('authorization')).toBeNull();
    expect(seen[0]?.get('content-type')).toBe('application/octet-stream');
  });

  it('fails with one line when Slack refuses to share, and shares nothing', async () => {
    // Prepare
    slack.leaveChannel('C0GONE');
    const { port } = makePort();

    // Act
    const error = await deliveryError(
      port.uploadFiles({
        channel: 'C0GONE',
        threadTs: '1700000000.000001',
        files: [{ filename: 'a.png', title: 'A', bytes: PNG_BYTES }],
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).toBe(
      'slack files.completeUploadExternal: Slack answered ok=false: not_in_channel',
    );
    expect(slack.sharedFiles).toEqual([]);
  });

  it('stops before completing when the bytes cannot be posted', async () => {
    // Prepare
    const { port } = makePort({
      fetch: async () => new Response('no', { status: 500 }),
    });

    // Act
    const error = await deliveryError(
      port.uploadFiles({
        channel: 'C0123456789',
        threadTs: '1700000000.000001',
        files: [{ filename: 'a.png', title: 'A', bytes: PNG_BYTES }],
      }),
    );

    // Assess
    expect(error.message).toBe('slack file upload: answered HTTP 500');
    expect(slack.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
    ]);
  });
});
