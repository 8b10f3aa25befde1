/**
 * The double of Langfuse's admin ingestion-replay endpoint and its worker,
 * against the contract in langfuse/langfuse (commit 62751446149b):
 * web/src/pages/api/admin/ingestion-replay.ts (405, body 1..1,000 keys,
 * key regexes, "Unsupported replay type", "Invalid key format",
 * {queued, skipped, errors}), web/src/ee/features/admin-api/server/
 * adminApiAuth.ts (401/403 texts), worker/src/queues/ingestionQueue.ts and
 * otelIngestionQueue.ts (what a replayed job reads from S3). The records
 * are counted in chDB over Langfuse's tables with countRecords.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INGESTION_REPLAY_PATH,
  startLangfuseAdminDouble,
} from '../../local/langfuse-admin-double.ts';
import {
  type RecoveryWorld,
  startRecoveryWorld,
} from '../../local/recovery-world.ts';

const END = new Date('2026-11-26T06:00:00.000Z');

async function post(
  world: RecoveryWorld,
  body: unknown,
  options: { auth?: string | null; method?: string; url?: string } = {},
) {
  const auth =
    options.auth === undefined
      ? `Bearer ${world.langfuse.adminKey}`
      : options.auth;
  const response = await fetch(
    `${options.url ?? world.langfuse.url}${INGESTION_REPLAY_PATH}`,
    {
      method: options.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth ? { authorization: auth } : {}),
      },
      ...(options.method === 'GET' ? {} : { body: JSON.stringify(body) }),
    },
  );
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, json };
}

/**
 * A world started before a describe block's tests and closed after them;
 * its fields are read through the returned proxy once it has started.
 */
function useWorld(options: Parameters<typeof startRecoveryWorld>[0]) {
  let started: RecoveryWorld | undefined;
  beforeAll(async () => {
    started = await startRecoveryWorld(options);
  }, 60_000);
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as RecoveryWorld, {
    get: (_, field) => {
      if (!started) throw new Error('the world has not started');
      return started[field as keyof RecoveryWorld];
    },
  });
}

/** A key relative to the events prefix, as the endpoint takes it. */
const relative = (world: RecoveryWorld, key: string) =>
  key.slice(world.eventsPrefix.length);

describe('the endpoint contract', () => {
  const world = useWorld({ end: END });

  it('answers 405 to anything but POST', async () => {
    const answer = await post(world, undefined, { method: 'GET' });
    expect(answer).toMatchObject({
      status: 405,
      json: { error: 'Method Not Allowed' },
    });
  });

  it('answers 401 without the admin key, with Langfuse texts', async () => {
    const keys = [relative(world, world.expected.dropped.keys[0] ?? '')];
    expect(await post(world, { keys }, { auth: null })).toMatchObject({
      status: 401,
      json: { error: 'Unauthorized: No authorization header provided' },
    });
    expect(
      await post(world, { keys }, { auth: 'Bearer wrong-key' }),
    ).toMatchObject({
      status: 401,
      json: { error: 'Unauthorized: Invalid token' },
    });
    expect(
      await post(world, { keys }, { auth: `Basic ${world.langfuse.adminKey}` }),
    ).toMatchObject({
      status: 401,
      json: { error: 'Unauthorized: Invalid token' },
    });
    expect(world.langfuse.jobs).toEqual([]);
  });

  it('answers 403 when the web container has no ADMIN_API_KEY', async () => {
    // Prepare
    const bare = await startLangfuseAdminDouble({
      adminKey: undefined,
      s3: world.s3.client,
      eventsBucket: world.eventsBucket,
      eventsPrefix: world.eventsPrefix,
      session: world.clickhouse.session,
    });
    try {
      // Act
      const answer = await post(
        world,
        { keys: ['p/trace/t/e.json'] },
        { auth: 'Bearer anything', url: bare.url },
      );

      // Assess
      expect(answer).toMatchObject({
        status: 403,
        json: { error: 'ADMIN_API_KEY is not set' },
      });
    } finally {
      await bare.close();
    }
  });

  it('answers 400 to no keys and to 1,001 keys', async () => {
    // Prepare
    const many = Array.from(
      { length: 1_001 },
      (_, i) => `proj/trace/t-${i}/e-${i}.json`,
    );

    // Act
    const none = await post(world, { keys: [] });
    const tooMany = await post(world, { keys: many });
    const notAList = await post(world, { keys: 'p/trace/t/e.json' });

    // Assess
    for (const answer of [none, tooMany, notAList]) {
      expect(answer.status).toBe(400);
      expect(answer.json).toHaveProperty('error');
    }
    expect(world.langfuse.jobs).toEqual([]);
  });

  it('takes 1,000 keys, skipping each with the reason Langfuse gives', async () => {
    // Prepare: one key of an unsupported type, one of no known shape, and
    // 998 keys of records that never existed
    const unsupported = relative(
      world,
      world.expected.unsupported.keys[0] ?? '',
    );
    const keys = [
      unsupported,
      'not-a-key',
      ...Array.from(
        { length: 998 },
        (_, i) => `proj-none/trace/t-${i}/e-${i}.json`,
      ),
    ];

    // Act
    const answer = await post(world, { keys });

    // Assess
    expect(unsupported).toMatch(/^proj-web\/dataset_run_item\//);
    expect(answer).toEqual(
      expect.objectContaining({
        status: 200,
        json: {
          queued: 998,
          skipped: 2,
          errors: [
            'Unsupported replay type: dataset_run_item',
            'Invalid key format: not-a-key',
          ],
        },
      }),
    );
    // Queued, then failed in the worker: nothing under those prefixes.
    expect(world.langfuse.jobs).toHaveLength(998);
    expect(world.langfuse.jobs.every((j) => !j.ok)).toBe(true);
  });

  it('records every request it answered', () => {
    expect(world.langfuse.requests.map((r) => r.status)).toEqual([
      405, 401, 401, 401, 400, 400, 400, 200,
    ]);
    expect(world.langfuse.requests.at(-1)).toMatchObject({
      n: 8,
      method: 'POST',
      authorized: true,
      keys: 1_000,
      answer: { queued: 998, skipped: 2 },
    });
  });
});

describe('a replay, counted in ClickHouse', () => {
  const world = useWorld({ end: END });

  const rows = (world: RecoveryWorld) =>
    Number(
      world.clickhouse.session
        .query(
          'SELECT (SELECT count() FROM traces) + (SELECT count() FROM observations)',
          'TSV',
        )
        .trim(),
    );

  it('stores the events bucket as Langfuse lays it out', async () => {
    // Act
    const projects = await world.s3.client.send(
      new ListObjectsV2Command({ Bucket: world.eventsBucket, Delimiter: '/' }),
    );

    // Assess
    expect(projects.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      'otel/',
      'proj-web/',
    ]);
    expect(world.expected.dropped.keys.some((k) => k.startsWith('otel/'))).toBe(
      true,
    );
    expect(world.expected.dropped.records.traces).toBeGreaterThan(0);
    expect(world.expected.dropped.records.observations).toBeGreaterThan(0);
  });

  it('leaves the distinct counts alone when landed events are replayed', async () => {
    // Prepare
    const before = await world.clickhouse.port.countRecords(world.window);
    const rowsBefore = rows(world);
    const keys = world.expected.landed.keys.map((k) => relative(world, k));

    // Act
    const answer = await post(world, { keys });

    // Assess
    expect(answer.json).toEqual({
      queued: keys.length,
      skipped: 0,
      errors: [],
    });
    expect(world.langfuse.jobs.every((j) => j.ok)).toBe(true);
    expect(await world.clickhouse.port.countRecords(world.window)).toEqual(
      before,
    );
    // Each landed record is now a second row, until a merge.
    expect(rows(world)).toBeGreaterThan(rowsBefore);
  });

  it('raises the distinct counts by the dropped records', async () => {
    // Prepare
    const before = await world.clickhouse.port.countRecords(world.window);
    const keys = world.expected.dropped.keys.map((k) => relative(world, k));
    const dropped = world.expected.dropped.records;

    // Act
    const answer = await post(world, { keys });

    // Assess
    expect(answer.json).toEqual({
      queued: keys.length,
      skipped: 0,
      errors: [],
    });
    expect(await world.clickhouse.port.countRecords(world.window)).toEqual({
      traces: before.traces + dropped.traces,
      observations: before.observations + dropped.observations,
    });
  });
});

describe('faults', () => {
  const world = useWorld({ end: END });

  it('answers 429 with Retry-After to the next N requests', async () => {
    // Prepare
    const keys = [relative(world, world.expected.landed.keys[0] ?? '')];
    world.langfuse.faults.rateLimitNext(2, 3);

    // Act
    const answers = [
      await post(world, { keys }),
      await post(world, { keys }),
      await post(world, { keys }),
    ];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(answers[0]?.headers.get('retry-after')).toBe('3');
    expect(world.langfuse.jobs).toHaveLength(1);
  });

  it('answers 500 to requests K..L, then recovers', async () => {
    // Prepare
    const keys = [relative(world, world.expected.landed.keys[0] ?? '')];
    const next = world.langfuse.requests.length + 1;
    world.langfuse.faults.failRequests(next, next + 1);

    // Act
    const answers = [
      await post(world, { keys }),
      await post(world, { keys }),
      await post(world, { keys }),
    ];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(answers[0]?.json).toEqual({
      error: 'Failed to get SecondaryIngestionQueue',
    });
  });
});

describe('with LANGFUSE_S3_EVENT_UPLOAD_PREFIX set', () => {
  const world = useWorld({ end: END, eventsPrefix: 'events/' });

  it('replays standard keys (the worker adds the prefix back) but not otel keys', async () => {
    // Prepare
    const dropped = world.expected.dropped.keys;
    const standard = dropped.filter((k) => !k.startsWith('events/otel/'));
    const otel = dropped.filter((k) => k.startsWith('events/otel/'));

    // Act: without the prefix, as the endpoint's regexes need them
    const answer = await post(world, {
      keys: dropped.map((k) => relative(world, k)),
    });
    // With it, an otel key reads as a standard key of type "otel"
    const whole = await post(world, { keys: [otel[0]] });

    // Assess
    expect(answer.json).toEqual({
      queued: dropped.length,
      skipped: 0,
      errors: [],
    });
    const failed = world.langfuse.jobs.filter((j) => !j.ok);
    expect(failed.map((j) => j.key).sort()).toEqual(
      otel.map((k) => relative(world, k)).sort(),
    );
    expect(failed[0]?.error).toMatch(/NoSuchKey/);
    expect(world.langfuse.jobs.filter((j) => j.ok)).toHaveLength(
      standard.length,
    );
    expect(whole.json).toEqual({
      queued: 0,
      skipped: 1,
      errors: ['Unsupported replay type: otel'],
    });
  });
});
