/**
 * The Langfuse admin adapter against a loopback server that behaves as
 * `POST /api/admin/ingestion-replay` does in langfuse/langfuse
 * (web/src/pages/api/admin/ingestion-replay.ts, and the bearer check of
 * web/src/ee/features/admin-api/server/adminApiAuth.ts): see
 * test/support/langfuse-replay-server.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLangfuseAdmin,
  langfuseAdminPortsFrom,
  retryAfterSeconds,
} from '../../shared/adapters/langfuse-admin.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import {
  LangfuseRateLimitedError,
  LangfuseRejectedError,
  LangfuseUnavailableError,
} from '../../shared/domain/errors.ts';
import {
  type ReplayServer,
  startReplayServer,
} from '../support/langfuse-replay-server.ts';

const KEY = 'lf-admin-key-0123456789';
const OTEL = 'otel/p1/2026/03/02/11/05/a1.json';
const TRACE = 'p1/trace/t1/e1.json';

describe('the Langfuse admin adapter', () => {
  let server: ReplayServer;

  beforeEach(async () => {
    server = await startReplayServer(KEY);
  });
  afterEach(async () => {
    await server.close();
  });

  const admin = (adminKey = KEY, timeoutMs = 2_000) =>
    createLangfuseAdmin({ baseUrl: server.baseUrl, adminKey, timeoutMs });

  it('posts the keys with the bearer key and returns the answer', async () => {
    // Act
    const answer = await admin().ingestionReplay([
      OTEL,
      TRACE,
      'p1/sdk_log/b/e.json',
    ]);

    // Assess
    expect(answer).toEqual({
      queued: 2,
      skipped: 1,
      errors: ['Unsupported replay type: sdk_log'],
    });
    expect(server.requests[0]).toEqual({
      method: 'POST',
      path: '/api/admin/ingestion-replay',
      authorization: `Bearer ${KEY}`,
      body: { keys: [OTEL, TRACE, 'p1/sdk_log/b/e.json'] },
    });
    expect(server.queued).toEqual([OTEL, TRACE]);
  });

  it('throws a rejection that never holds the key for a wrong key (401)', async () => {
    // Act
    const error = await admin('wrong-key')
      .ingestionReplay([TRACE])
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseRejectedError);
    expect(error.name).toBe('LangfuseRejectedError');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('Unauthorized: Invalid token');
    expect(error.message).not.toContain('wrong-key');
  });

  it('throws a rejection for a body Langfuse refuses (400)', async () => {
    // Act: more than 1,000 keys
    const keys = Array.from({ length: 1001 }, (_, i) => `p/trace/${i}/e.json`);
    const error = await admin()
      .ingestionReplay(keys)
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseRejectedError);
    expect(error.message).toContain('HTTP 400');
  });

  it('says so when Langfuse has no ADMIN_API_KEY (403)', async () => {
    // Prepare
    await server.close();
    server = await startReplayServer(undefined);

    // Act
    const error = await admin()
      .ingestionReplay([TRACE])
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseRejectedError);
    expect(error.message).toContain('no ADMIN_API_KEY');
  });

  it('carries Retry-After on a 429', async () => {
    // Prepare
    server.queue({ status: 429, retryAfter: '7' });

    // Act
    const error = await admin()
      .ingestionReplay([TRACE])
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseRateLimitedError);
    expect(error.name).toBe('LangfuseRateLimitedError');
    expect(error.retryAfterSeconds).toBe(7);
  });

  it('reports a 500 as unavailable', async () => {
    // Prepare
    server.queue({ status: 500 });

    // Act
    const error = await admin()
      .ingestionReplay([TRACE])
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseUnavailableError);
    expect(error.message).toContain('HTTP 500');
  });

  it('aborts a call that gets no answer by its deadline', async () => {
    // Prepare
    server.queue('hang');

    // Act
    const error = await admin(KEY, 200)
      .ingestionReplay([TRACE])
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseUnavailableError);
    expect(error.message).toContain('no answer within 200 ms');
  });

  it('stops when the caller aborts', async () => {
    // Prepare
    server.queue('hang');
    const controller = new AbortController();

    // Act
    const pending = admin().ingestionReplay([TRACE], controller.signal);
    controller.abort();
    const error = await pending.catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseUnavailableError);
    expect(error.message).not.toContain('no answer within');
  });

  it('refuses a 200 that is not the endpoint answer', async () => {
    // Prepare
    const fake = (async () =>
      new Response(JSON.stringify({ queued: '3' }), {
        status: 200,
      })) as unknown as typeof fetch;

    // Act
    const error = await createLangfuseAdmin({
      baseUrl: 'https://langfuse.example.com/',
      adminKey: KEY,
      timeoutMs: 1_000,
      fetch: fake,
    })
      .ingestionReplay([TRACE])
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(LangfuseUnavailableError);
    expect(error.message).toContain('without {queued, skipped, errors}');
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates (RFC 9110, 10.2.3)', () => {
    // Prepare
    const now = new Date('2026-03-02T10:00:00Z');

    // Act and assess
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});

describe('langfuseAdminPortsFrom', () => {
  const FS_A = 'fs-0123456789abcdef0';
  const FS_B = 'fs-0fedcba9876543210';
  const config = parseConfig({
    fileSystems: [
      {
        fileSystemId: FS_A,
        recovery: {
          eventsBucket: 'langfuse-events',
          langfuseUrl: 'https://langfuse.example.com/base/',
        },
      },
      { fileSystemId: FS_B },
    ],
  });

  it('builds a port for a file system with recovery settings and an admin key', async () => {
    // Prepare
    const calls: { url: string; authorization: string | null }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      calls.push({
        url,
        authorization: new Headers(init.headers).get('authorization'),
      });
      return new Response(
        JSON.stringify({ queued: 1, skipped: 0, errors: [] }),
        { status: 200 },
      );
    }) as unknown as typeof fetch;
    const secret = JSON.stringify({
      [FS_A]: { ...LOGIN, langfuseAdminKey: ADMIN_KEY_SECRET },
      [FS_B]: { ...LOGIN, langfuseAdminKey: 'unused-key' },
    });

    // Act
    const portFor = langfuseAdminPortsFrom(config, secret, { fetch: fake });
    await portFor(FS_A)?.ingestionReplay(['p/trace/t/e.json']);

    // Assess
    expect(portFor(FS_B)).toBeUndefined();
    expect(calls).toEqual([
      {
        url: 'https://langfuse.example.com/base/api/admin/ingestion-replay',
        authorization: `Bearer ${ADMIN_KEY_SECRET}`,
      },
    ]);
  });

  it('has no port without an admin key', () => {
    // Act
    const portFor = langfuseAdminPortsFrom(config, '');

    // Assess
    expect(portFor(FS_A)).toBeUndefined();
  });

  it('refuses a malformed entry in one line that holds no value', () => {
    // Act
    const attempt = () =>
      langfuseAdminPortsFrom(
        config,
        JSON.stringify({ [FS_A]: { ...LOGIN, langfuseAdminKey: '' } }),
      );

    // Assess
    expect(attempt).toThrow(
      /^ClickHouseCredentials fs-0123456789abcdef0: langfuseAdminKey must be a non-empty string$/,
    );
  });
});

const ADMIN_KEY_SECRET = 'lf-admin-secret-value';
/** The ClickHouse login every entry of the credentials secret holds. */
const LOGIN = { clickhouseUser: 'burstguard', clickhousePassword: 'ch-secret' };
