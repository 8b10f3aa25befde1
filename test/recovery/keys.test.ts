/**
 * Key classification, window filter and prefixes of a recovery. The key
 * rules are Langfuse's: OTEL_KEY_REGEX, STANDARD_KEY_REGEX and the
 * `${type}-create` check in langfuse/langfuse
 * web/src/pages/api/admin/ingestion-replay.ts, over the `eventTypes` of
 * packages/shared/src/server/ingestion/types.ts; the prefix rules follow
 * worker/src/queues/ingestionQueue.ts (standard: the worker adds
 * LANGFUSE_S3_EVENT_UPLOAD_PREFIX back) and
 * packages/shared/src/server/otel/OtelIngestionProcessor.ts (otel: the
 * upload key already holds it).
 */
import { describe, expect, it } from 'vitest';
import { LANGFUSE_EVENT_TYPES } from '../../local/langfuse-admin-double.ts';
import {
  classifyKey,
  keyInWindow,
  keysPerSecond,
  projectIdsOf,
  REPLAYABLE_TYPES,
  splitBatches,
  sumBatchResults,
  windowPrefixes,
} from '../../shared/domain/recovery/keys.ts';

const WINDOW = {
  from: '2026-03-02T10:30:00.000Z',
  to: '2026-03-02T12:10:00.000Z',
};
const OTEL = 'otel/proj-1/2026/03/02/11/05/5b0c1d2e-aaaa.json';
const TRACE = 'proj-1/trace/trace-9/evt-1.json';

describe('classifyKey', () => {
  it('recognises an otel key and reads its upload minute', () => {
    // Act
    const key = classifyKey(OTEL, '');

    // Assess
    expect(key).toEqual({
      kind: 'otel',
      replayKey: OTEL,
      projectId: 'proj-1',
      minute: '2026-03-02T11:05:00.000Z',
    });
  });

  // The types whose `-create` is one of Langfuse's eventTypes, as the
  // admin API double lists them from Langfuse's source
  // (packages/shared/src/server/ingestion/types.ts), read apart from the
  // classifier; `dataset-run-item` stores under `dataset_run_item`.
  const replayable = LANGFUSE_EVENT_TYPES.filter((t) =>
    t.endsWith('-create'),
  ).map((t) => t.slice(0, -'-create'.length));

  it('knows every type Langfuse replays, and no other', () => {
    expect(replayable).toContain('agent');
    expect([...REPLAYABLE_TYPES].sort()).toEqual(
      replayable.filter((t) => t !== 'dataset-run-item').sort(),
    );
  });

  it.each(replayable.filter((t) => t !== 'dataset-run-item'))(
    'accepts a standard key of type %s',
    (type) => {
      // Act
      const key = classifyKey(`events/p/${type}/body/id.json`, 'events/');

      // Assess
      expect(key).toMatchObject({
        kind: 'standard',
        replayKey: `p/${type}/body/id.json`,
        projectId: 'p',
        type,
      });
    },
  );

  it('reports a type Langfuse does not replay with its own words', () => {
    // Act
    const key = classifyKey('p/sdk_log/body/id.json', '');

    // Assess
    expect(key.kind).toBe('unsupported');
    expect(key.kind === 'unsupported' && key.reason).toContain(
      'Unsupported replay type: sdk_log',
    );
  });

  it('keeps slashes inside the event body id as Langfuse does', () => {
    // Act
    const key = classifyKey('p/observation/a/b/c/id.json', '');

    // Assess
    expect(key).toMatchObject({ kind: 'standard', type: 'observation' });
  });

  it.each(['p/trace/id.json', 'p/trace/body/id.txt'])(
    'rejects %s as an invalid key format',
    (raw) => {
      // Act
      const key = classifyKey(raw, '');

      // Assess
      expect(key).toEqual({
        kind: 'unsupported',
        reason: `Invalid key format: ${raw}`,
      });
    },
  );

  it('reads a malformed otel key as a standard one, as Langfuse does', () => {
    // Act: the month has one digit, so OTEL_KEY_REGEX fails and
    // STANDARD_KEY_REGEX reads project "otel", type "p".
    const key = classifyKey('otel/p/2026/3/02/11/05/x.json', '');

    // Assess
    expect(key.kind === 'unsupported' && key.reason).toContain(
      'Unsupported replay type: p',
    );
  });

  it('does not send an otel key stored under a non-empty events prefix', () => {
    // Act
    const key = classifyKey(`lf/${OTEL}`, 'lf/');

    // Assess
    expect(key.kind).toBe('unsupported');
    expect(key.kind === 'unsupported' && key.reason).toContain(
      'LANGFUSE_S3_EVENT_UPLOAD_PREFIX',
    );
  });
});

describe('keyInWindow', () => {
  it('takes an otel key only when both its minute and LastModified are inside', () => {
    // Prepare
    const key = classifyKey(OTEL, '');

    // Act and assess
    expect(keyInWindow(key, '2026-03-02T11:05:01.000Z', WINDOW)).toBe(true);
    expect(keyInWindow(key, '2026-03-02T12:30:00.000Z', WINDOW)).toBe(false);
    const early = classifyKey('otel/p/2026/03/02/10/29/x.json', '');
    expect(keyInWindow(early, '2026-03-02T10:31:00.000Z', WINDOW)).toBe(false);
  });

  it('counts the minute the window starts in', () => {
    // Prepare
    const key = classifyKey('otel/p/2026/03/02/10/30/x.json', '');

    // Act and assess
    expect(keyInWindow(key, '2026-03-02T10:30:40.000Z', WINDOW)).toBe(true);
  });

  it('takes a standard key by LastModified alone', () => {
    // Prepare
    const key = classifyKey(TRACE, '');

    // Act and assess
    expect(keyInWindow(key, '2026-03-02T10:30:00.000Z', WINDOW)).toBe(true);
    expect(keyInWindow(key, '2026-03-02T12:10:00.001Z', WINDOW)).toBe(false);
    expect(keyInWindow(key, 'not a date', WINDOW)).toBe(false);
  });

  it('takes an upload in the second the window starts, LastModified being whole seconds', () => {
    // Prepare: the window starts at .500 of a second; S3 reports the
    // upload at .700 of that second as the whole second.
    const key = classifyKey(TRACE, '');
    const window = {
      from: '2022-11-17T15:44:41.500Z',
      to: '2022-11-17T15:50:00.000Z',
    };

    // Act / Assess
    expect(keyInWindow(key, 1668699881, window)).toBe(true);
    expect(keyInWindow(key, 1668699880, window)).toBe(false);
  });

  it("reads a number as the Distributed Map's epoch seconds", () => {
    // The ItemReader guide's listObjectsV2 item: "LastModified": 1668699881,
    // i.e. 2022-11-17T15:44:41Z.
    const key = classifyKey(TRACE, '');
    const window = {
      from: '2022-11-17T15:40:00.000Z',
      to: '2022-11-17T15:50:00.000Z',
    };

    expect(keyInWindow(key, 1668699881, window)).toBe(true);
    expect(keyInWindow(key, 1668699881, WINDOW)).toBe(false);
  });
});

describe('windowPrefixes', () => {
  it('lists otel prefixes per UTC hour and one standard prefix per project', () => {
    // Act
    const prefixes = windowPrefixes(
      { standard: ['a', 'b'], otel: ['a'] },
      WINDOW,
      '',
    );

    // Assess
    expect(prefixes).toEqual([
      { prefix: 'otel/a/2026/03/02/10/', kind: 'otel' },
      { prefix: 'otel/a/2026/03/02/11/', kind: 'otel' },
      { prefix: 'otel/a/2026/03/02/12/', kind: 'otel' },
      { prefix: 'a/', kind: 'standard' },
      { prefix: 'b/', kind: 'standard' },
    ]);
  });

  it('crosses midnight and puts everything under the events prefix', () => {
    // Act
    const prefixes = windowPrefixes(
      { standard: [], otel: ['p'] },
      { from: '2026-12-31T23:50:00Z', to: '2027-01-01T00:05:00Z' },
      'lf/',
    );

    // Assess
    expect(prefixes.map((p) => p.prefix)).toEqual([
      'lf/otel/p/2026/12/31/23/',
      'lf/otel/p/2027/01/01/00/',
    ]);
  });
});

describe('windowPrefixes under the plan limit', () => {
  it('lists otel uploads per day, then per project, when hours are too many', () => {
    // Prepare: a 3-day window touches 73 hours.
    const window = { from: '2026-03-01T00:00:00Z', to: '2026-03-04T00:00:00Z' };

    // Act
    const byDay = windowPrefixes(
      { standard: ['s'], otel: ['a'] },
      window,
      '',
      10,
    );
    const byProject = windowPrefixes(
      { standard: ['s'], otel: ['a', 'b', 'c'] },
      window,
      '',
      10,
    );

    // Assess
    expect(byDay.map((p) => p.prefix)).toEqual([
      'otel/a/2026/03/01/',
      'otel/a/2026/03/02/',
      'otel/a/2026/03/03/',
      'otel/a/2026/03/04/',
      's/',
    ]);
    expect(byProject.map((p) => p.prefix)).toEqual([
      'otel/a/',
      'otel/b/',
      'otel/c/',
      's/',
    ]);
  });

  it('refuses more projects than a plan holds, in one line', () => {
    // Act and assess
    expect(() =>
      windowPrefixes({ standard: ['a', 'b', 'c'], otel: [] }, WINDOW, '', 2),
    ).toThrow('3 project prefixes are more than one recovery plan holds (2)');
  });
});

describe('projectIdsOf', () => {
  it('reads project ids from common prefixes, leaving otel out', () => {
    // Act
    const ids = projectIdsOf(['lf/b/', 'lf/otel/', 'lf/a/', 'other/'], 'lf/');

    // Assess
    expect(ids).toEqual(['a', 'b']);
  });
});

describe('splitBatches', () => {
  it('never makes a request of more than 1,000 keys', () => {
    // Prepare
    const keys = Array.from({ length: 2_501 }, (_, i) => i);

    // Act
    const sizes = splitBatches(keys, 5_000).map((b) => b.length);
    const small = splitBatches(keys, 500).map((b) => b.length);

    // Assess
    expect(sizes).toEqual([1000, 1000, 501]);
    expect(small).toHaveLength(6);
    expect(small.at(-1)).toBe(1);
  });
});

describe('sumBatchResults', () => {
  it('adds counters and joins failed keys and errors', () => {
    // Prepare
    const one = {
      listed: 3,
      inWindow: 2,
      queued: 1,
      skipped: 1,
      failed: 1,
      failedKeys: ['k1'],
      errors: ['e1'],
      unsupported: 0,
    };
    const two = {
      ...one,
      listed: 4,
      unsupported: 2,
      failedKeys: ['k2'],
      errors: [],
    };

    // Act
    const total = sumBatchResults([one, two]);

    // Assess
    expect(total).toEqual({
      listed: 7,
      inWindow: 4,
      queued: 2,
      skipped: 2,
      failed: 2,
      failedKeys: ['k1', 'k2'],
      errors: ['e1'],
      unsupported: 2,
    });
  });
});

describe('keysPerSecond', () => {
  it('rates keys over the elapsed seconds, and not before one second', () => {
    // Act and assess
    expect(
      keysPerSecond(500, '2026-03-02T10:00:00Z', '2026-03-02T10:00:04Z'),
    ).toBe(125);
    expect(
      keysPerSecond(500, '2026-03-02T10:00:00Z', '2026-03-02T10:00:00.5Z'),
    ).toBeUndefined();
    expect(
      keysPerSecond(500, undefined, '2026-03-02T10:00:00Z'),
    ).toBeUndefined();
  });
});
