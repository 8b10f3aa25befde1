/**
 * Langfuse's events bucket for the demo's incident, and how Langfuse's
 * worker turns stored events into ClickHouse rows. Both are read from
 * langfuse/langfuse (commit 62751446149b702b419a9292ddfc2280cdf74b8c):
 *
 * - Standard keys: `processEventBatch` (packages/shared/src/server/
 *   ingestion/processEventBatch.ts) groups a request's events by entity
 *   and uploads each group as one JSON array of ingestion events
 *   (`{id, timestamp, type, body}`) to
 *   `{LANGFUSE_S3_EVENT_UPLOAD_PREFIX}{projectId}/{entityType}/{eventBodyId}/{eventId}.json`,
 *   where entityType is `getClickhouseEntityType(type)`: `trace`,
 *   `observation`, `score` or `dataset_run_item` (packages/shared/src/
 *   server/clickhouse/schemaUtils.ts).
 * - OTel keys: `OtelIngestionProcessor.publishToOtelIngestionQueue`
 *   (packages/shared/src/server/otel/OtelIngestionProcessor.ts) uploads
 *   the request's `resourceSpans` as received (OTLP/JSON for a JSON body:
 *   web/src/pages/api/public/otel/v1/traces/index.ts) to
 *   `{prefix}otel/{projectId}/{yyyy}/{mm}/{dd}/{hh}/{mm}/{uuid}.json`, the
 *   path from the web container's clock.
 * - Rows: `IngestionService` (worker/src/services/IngestionService/
 *   index.ts) maps a trace to `timestamp = body.timestamp ?? event
 *   timestamp` and an observation to `start_time = body.startTime ?? event
 *   timestamp`, `type` from the event type (span-* SPAN, generation-*
 *   GENERATION, event-create EVENT), merges the events of one entity
 *   (later fields over earlier ones) and writes one row with a new
 *   `event_ts`.
 */
import type { Session } from 'chdb';
import type { RecordCounts } from '../shared/domain/recovery/contract.ts';

/** One ingestion event as Langfuse stores it (an element of the array). */
export type IngestionEvent = {
  id: string;
  timestamp: string;
  type: string;
  body: Record<string, unknown> & { id?: string };
};

/** OTLP/JSON resourceSpans, the part Langfuse's conversion reads. */
export type ResourceSpan = {
  resource: { attributes: OtlpAttribute[] };
  scopeSpans: {
    scope: { name: string; version?: string };
    spans: {
      traceId: string;
      spanId: string;
      parentSpanId?: string;
      name: string;
      kind: number;
      startTimeUnixNano: string;
      endTimeUnixNano: string;
      attributes: OtlpAttribute[];
      status: Record<string, unknown>;
    }[];
  }[];
};
type OtlpAttribute = { key: string; value: { stringValue: string } };

export type TraceRow = {
  id: string;
  project_id: string;
  timestamp: string;
  name: string;
  metadata: Record<string, string>;
  tags: string[];
  input: string | null;
  output: string | null;
};
export type ObservationRow = {
  id: string;
  trace_id: string;
  project_id: string;
  type: string;
  start_time: string;
  end_time: string | null;
  name: string;
  level: string;
  input: string | null;
  output: string | null;
  provided_model_name: string | null;
};
export type LangfuseRows = {
  traces: TraceRow[];
  observations: ObservationRow[];
};

/** What became of an object: the recovery must tell these apart. */
export type ObjectFate =
  /** Uploaded in the window and written to ClickHouse. */
  | 'landed'
  /** Uploaded in the window, never written ("Dropping record"). */
  | 'dropped'
  /** Uploaded outside the window (written). */
  | 'outside'
  /** A key whose type the replay endpoint does not take. */
  | 'unsupported';

export type StoredEventObject = {
  /** The full S3 key, events prefix included. */
  key: string;
  kind: 'standard' | 'otel';
  fate: ObjectFate;
  lastModified: Date;
  body: string;
  /** The rows it yields (none for an unsupported type). */
  rows: LangfuseRows;
};

export const DEMO_PROJECTS = { sdk: 'proj-web', otel: 'proj-otel' } as const;

/** A deterministic id: hex digits from a label (FNV-1a, one round per 8). */
function hexId(label: string, digits = 32): string {
  let out = '';
  for (let round = 0; out.length < digits; round++) {
    let h = 0x811c9dc5;
    for (const c of `${label}#${round}`) {
      h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, digits);
}
const uuid = (label: string) => {
  const h = hexId(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};

const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** ClickHouse's observation type of an ingestion event type. */
function observationType(event: IngestionEvent): string | null {
  const [kind] = event.type.split('-');
  if (event.type === 'event-create') return 'EVENT';
  if (kind === 'span') return 'SPAN';
  if (kind === 'generation') return 'GENERATION';
  if (kind === 'observation') return String(event.body.type ?? 'SPAN');
  return null;
}

/** Later events' defined fields over earlier ones, as the worker merges. */
function mergeBodies(events: readonly IngestionEvent[]) {
  const sorted = [...events].sort((a, b) =>
    a.timestamp.localeCompare(b.timestamp),
  );
  const merged: Record<string, unknown> = {};
  for (const event of sorted) {
    for (const [k, v] of Object.entries(event.body)) {
      if (v !== undefined && v !== null) merged[k] = v;
    }
  }
  return { merged, first: sorted[0] };
}

/**
 * The rows the worker writes for one entity's events (all the files under
 * its `{projectId}/{entityType}/{eventBodyId}/` prefix).
 */
export function rowsFromEvents(
  projectId: string,
  events: readonly IngestionEvent[],
): LangfuseRows {
  const rows: LangfuseRows = { traces: [], observations: [] };
  const { merged, first } = mergeBodies(events);
  if (!first) return rows;
  const id = String(merged.id ?? '');
  if (first.type === 'trace-create') {
    rows.traces.push({
      id,
      project_id: projectId,
      timestamp: String(merged.timestamp ?? first.timestamp),
      name: String(merged.name ?? ''),
      metadata: stringMap(merged.metadata),
      tags: Array.isArray(merged.tags) ? merged.tags.map(String) : [],
      input: json(merged.input),
      output: json(merged.output),
    });
    return rows;
  }
  const type = observationType(first);
  if (type) {
    rows.observations.push({
      id,
      trace_id: String(merged.traceId ?? ''),
      project_id: projectId,
      type,
      start_time: String(merged.startTime ?? first.timestamp),
      end_time: typeof merged.endTime === 'string' ? merged.endTime : null,
      name: String(merged.name ?? ''),
      level: String(merged.level ?? 'DEFAULT'),
      input: json(merged.input),
      output: json(merged.output),
      provided_model_name:
        typeof merged.model === 'string' ? merged.model : null,
    });
  }
  return rows;
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}

const nanosToIso = (nanos: string) =>
  new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();

/**
 * The rows one OTel upload yields: every span an observation (id the span
 * id, hex), and a trace for each root span (id the trace id), as
 * OtelIngestionProcessor.processToIngestionEvents does.
 */
export function rowsFromResourceSpans(
  projectId: string,
  resourceSpans: readonly ResourceSpan[],
): LangfuseRows {
  const rows: LangfuseRows = { traces: [], observations: [] };
  for (const rs of resourceSpans) {
    for (const scope of rs.scopeSpans) {
      for (const span of scope.spans) {
        const start = nanosToIso(span.startTimeUnixNano);
        const model = span.attributes.find(
          (a) => a.key === 'gen_ai.request.model',
        )?.value.stringValue;
        rows.observations.push({
          id: span.spanId,
          trace_id: span.traceId,
          project_id: projectId,
          type: model ? 'GENERATION' : 'SPAN',
          start_time: start,
          end_time: nanosToIso(span.endTimeUnixNano),
          name: span.name,
          level: 'DEFAULT',
          input: null,
          output: null,
          provided_model_name: model ?? null,
        });
        if (!span.parentSpanId) {
          rows.traces.push({
            id: span.traceId,
            project_id: projectId,
            timestamp: start,
            name: span.name,
            metadata: {},
            tags: [],
            input: null,
            output: null,
          });
        }
      }
    }
  }
  return rows;
}

/**
 * Writes rows into Langfuse's tables in a chDB session, one insert per
 * table as the worker's ClickhouseWriter flushes, each row with a new
 * `event_ts`: a second write of an id is a second row until a merge.
 */
export function insertLangfuseRows(session: Session, rows: LangfuseRows): void {
  const write = (table: string, items: readonly object[]) => {
    if (items.length === 0) return;
    const lines = items
      .map((row) =>
        JSON.stringify({
          ...row,
          event_ts: new Date().toISOString(),
          is_deleted: 0,
          ...(table === 'traces' ? { public: false, bookmarked: false } : {}),
        }),
      )
      .join('\n');
    session.query(
      `INSERT INTO ${table} SETTINGS date_time_input_format = 'best_effort' FORMAT JSONEachRow\n${lines}`,
    );
  };
  write('traces', rows.traces);
  write('observations', rows.observations);
}

/** Traces plus observations in a set of rows, by distinct id. */
export function countRows(rows: readonly LangfuseRows[]): RecordCounts {
  const traces = new Set<string>();
  const observations = new Set<string>();
  for (const r of rows) {
    for (const t of r.traces) traces.add(t.id);
    for (const o of r.observations) observations.add(o.id);
  }
  return { traces: traces.size, observations: observations.size };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy/mm/dd/hh/mm` of an instant, in UTC (a container's clock). */
export function otelTimePath(at: Date): string {
  return `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/${pad(at.getUTCMinutes())}`;
}

/** One SDK request: a trace, a generation and a span (three objects). */
function sdkTrace(
  prefix: string,
  n: number,
  at: Date,
  fate: ObjectFate,
): StoredEventObject[] {
  const projectId = DEMO_PROJECTS.sdk;
  const traceId = uuid(`trace-${n}`);
  const iso = (offsetMs: number) =>
    new Date(at.getTime() + offsetMs).toISOString();
  const groups: { entity: string; events: IngestionEvent[] }[] = [
    {
      entity: 'trace',
      events: [
        {
          id: uuid(`event-trace-${n}`),
          timestamp: iso(0),
          type: 'trace-create',
          body: {
            id: traceId,
            timestamp: iso(0),
            name: 'support-chat',
            userId: `user-${n % 7}`,
            tags: ['prod'],
            metadata: { region: 'eu' },
            input: { question: `question ${n}` },
            output: { answer: `answer ${n}` },
          },
        },
      ],
    },
    {
      entity: 'observation',
      events: [
        {
          id: uuid(`event-gen-${n}`),
          timestamp: iso(200),
          type: 'generation-create',
          body: {
            id: uuid(`gen-${n}`),
            traceId,
            name: 'llm-call',
            startTime: iso(200),
            endTime: iso(1_400),
            model: 'gpt-4o-mini',
            input: [{ role: 'user', content: `question ${n}` }],
            output: { role: 'assistant', content: `answer ${n}` },
            usageDetails: { input: 120, output: 240 },
          },
        },
      ],
    },
    {
      entity: 'observation',
      events: [
        {
          id: uuid(`event-span-${n}`),
          timestamp: iso(100),
          type: 'span-create',
          body: {
            id: uuid(`span-${n}`),
            traceId,
            name: 'retrieve',
            startTime: iso(100),
            endTime: iso(180),
          },
        },
      ],
    },
  ];
  return groups.map(({ entity, events }) => {
    const [event] = events;
    const bodyId = String(event?.body.id);
    return {
      key: `${prefix}${projectId}/${entity}/${bodyId}/${event?.id}.json`,
      kind: 'standard',
      fate,
      lastModified: new Date(Date.parse(event?.timestamp ?? '') + 1_000),
      body: JSON.stringify(events),
      rows: rowsFromEvents(projectId, events),
    };
  });
}

/** A later update of an observation: a second file under its prefix. */
function generationUpdate(
  prefix: string,
  n: number,
  at: Date,
  fate: ObjectFate,
): StoredEventObject {
  const projectId = DEMO_PROJECTS.sdk;
  const event: IngestionEvent = {
    id: uuid(`event-gen-update-${n}`),
    timestamp: at.toISOString(),
    type: 'generation-update',
    body: {
      id: uuid(`gen-${n}`),
      traceId: uuid(`trace-${n}`),
      endTime: at.toISOString(),
      output: { role: 'assistant', content: `answer ${n}, revised` },
    },
  };
  return {
    key: `${prefix}${projectId}/observation/${event.body.id}/${event.id}.json`,
    kind: 'standard',
    fate,
    lastModified: new Date(at.getTime() + 1_000),
    body: JSON.stringify([event]),
    // The same observation id as its create: no new record.
    rows: rowsFromEvents(projectId, [event]),
  };
}

/** One OTel export: a root span and a child generation. */
function otelExport(
  prefix: string,
  n: number,
  at: Date,
  fate: ObjectFate,
): StoredEventObject {
  const projectId = DEMO_PROJECTS.otel;
  const nanos = (offsetMs: number) =>
    (BigInt(at.getTime() + offsetMs) * 1_000_000n).toString();
  const traceId = hexId(`otel-trace-${n}`);
  const rootId = hexId(`otel-root-${n}`, 16);
  const resourceSpans: ResourceSpan[] = [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'agent-worker' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'langfuse-sdk', version: '3.3.0' },
          spans: [
            {
              traceId,
              spanId: rootId,
              name: 'agent-run',
              kind: 1,
              startTimeUnixNano: nanos(-2_000),
              endTimeUnixNano: nanos(-100),
              attributes: [],
              status: {},
            },
            {
              traceId,
              spanId: hexId(`otel-gen-${n}`, 16),
              parentSpanId: rootId,
              name: 'chat gpt-4o-mini',
              kind: 3,
              startTimeUnixNano: nanos(-1_800),
              endTimeUnixNano: nanos(-300),
              attributes: [
                {
                  key: 'gen_ai.request.model',
                  value: { stringValue: 'gpt-4o-mini' },
                },
              ],
              status: {},
            },
          ],
        },
      ],
    },
  ];
  return {
    key: `${prefix}otel/${projectId}/${otelTimePath(at)}/${uuid(`otel-file-${n}`)}.json`,
    kind: 'otel',
    fate,
    lastModified: new Date(at.getTime() + 1_000),
    body: JSON.stringify(resourceSpans),
    rows: rowsFromResourceSpans(projectId, resourceSpans),
  };
}

/**
 * A dataset run item: Langfuse stores it under `dataset_run_item/`, and the
 * replay endpoint answers "Unsupported replay type: dataset_run_item"
 * (`dataset_run_item-create` is not one of eventTypes; the event type is
 * `dataset-run-item-create`).
 */
function datasetRunItem(prefix: string, at: Date): StoredEventObject {
  const projectId = DEMO_PROJECTS.sdk;
  const event: IngestionEvent = {
    id: uuid('event-dri-1'),
    timestamp: at.toISOString(),
    type: 'dataset-run-item-create',
    body: {
      id: uuid('dri-1'),
      runName: 'nightly-eval',
      datasetItemId: uuid('dataset-item-1'),
      traceId: uuid('trace-1'),
    },
  };
  return {
    key: `${prefix}${projectId}/dataset_run_item/${event.body.id}/${event.id}.json`,
    kind: 'standard',
    fate: 'unsupported',
    lastModified: new Date(at.getTime() + 1_000),
    body: JSON.stringify([event]),
    rows: { traces: [], observations: [] },
  };
}

export type LangfuseEventsOptions = {
  /** The incident window (the recording's meta start and end). */
  window: { start: Date; end: Date };
  /** LANGFUSE_S3_EVENT_UPLOAD_PREFIX ('' by default, as in Langfuse). */
  eventsPrefix?: string;
  /** SDK requests in the window (default 24). */
  sdkRequests?: number;
  /** OTel exports in the window (default 6). */
  otelExports?: number;
  /**
   * The share of the window before records started dropping (default
   * 0.4: the seed scenario's credits last its first ~75 of 180 minutes).
   */
  landedShare?: number;
};

export type LangfuseEvents = {
  eventsPrefix: string;
  objects: StoredEventObject[];
};

/**
 * The events bucket for an incident window: SDK requests and OTel exports
 * spread over the window (the early ones landed, the rest dropped), a few
 * requests before and after the window (landed), an update of a dropped
 * generation (a second key for the same record) and one unsupported key.
 */
export function simulateLangfuseEvents(
  options: LangfuseEventsOptions,
): LangfuseEvents {
  const prefix = options.eventsPrefix ?? '';
  const start = options.window.start.getTime();
  const span = options.window.end.getTime() - start;
  if (!(span > 0)) throw new RangeError('the window must not be empty');
  const sdk = options.sdkRequests ?? 24;
  const otel = options.otelExports ?? 6;
  const landedShare = options.landedShare ?? 0.4;
  // Whole seconds, well inside the window: S3 keeps LastModified to the
  // second.
  const at = (share: number) =>
    new Date(Math.floor((start + span * share) / 1000) * 1000);
  const fateAt = (share: number): ObjectFate =>
    share < landedShare ? 'landed' : 'dropped';
  const objects: StoredEventObject[] = [];
  for (let i = 0; i < sdk; i++) {
    const share = (i + 0.5) / sdk;
    objects.push(...sdkTrace(prefix, i, at(share), fateAt(share)));
  }
  for (let i = 0; i < otel; i++) {
    const share = (i + 0.3) / otel;
    objects.push(otelExport(prefix, i, at(share), fateAt(share)));
  }
  // The last dropped generation was revised a minute later.
  const revised = sdk - 1;
  const revisedAt = at((revised + 0.5) / sdk);
  objects.push(
    generationUpdate(
      prefix,
      revised,
      new Date(revisedAt.getTime() + 60_000),
      fateAt((revised + 0.5) / sdk),
    ),
  );
  // Before and after the window: uploaded, written, not to be replayed.
  objects.push(
    ...sdkTrace(prefix, 1_000, new Date(start - 30 * 60_000), 'outside'),
    ...sdkTrace(prefix, 1_001, new Date(start + span + 10 * 60_000), 'outside'),
    otelExport(prefix, 1_000, new Date(start - 20 * 60_000), 'outside'),
  );
  objects.push(datasetRunItem(prefix, at(0.7)));
  return { eventsPrefix: prefix, objects };
}

/** The records and keys of each fate, what a recovery should find. */
export function expectedRecovery(
  events: LangfuseEvents,
): Record<ObjectFate, { keys: string[]; records: RecordCounts }> {
  const by = (fate: ObjectFate) => {
    const objects = events.objects.filter((o) => o.fate === fate);
    return {
      keys: objects.map((o) => o.key),
      records: countRows(objects.map((o) => o.rows)),
    };
  };
  return {
    landed: by('landed'),
    dropped: by('dropped'),
    outside: by('outside'),
    unsupported: by('unsupported'),
  };
}
