/**
 * Langfuse's traces, observations and scores tables as its ClickHouse
 * migrations create them (langfuse/langfuse
 * packages/shared/clickhouse/migrations/unclustered/0001_traces.up.sql,
 * 0002_observations.up.sql, 0003_scores.up.sql: columns, indexes, engines,
 * PARTITION BY, PRIMARY KEY and ORDER BY verbatim; the clustered variants
 * differ only in Replicated* engines), and an insert load shaped like the
 * Langfuse worker's: small batches, often, each one a new part per
 * partition.
 */
import type { Session } from 'chdb';

export const LANGFUSE_TABLES = ['traces', 'observations', 'scores'] as const;
export type LangfuseTable = (typeof LANGFUSE_TABLES)[number];

export const LANGFUSE_DDL: Record<LangfuseTable, string> = {
  traces: `CREATE TABLE IF NOT EXISTS traces (
    \`id\` String,
    \`timestamp\` DateTime64(3),
    \`name\` String,
    \`user_id\` Nullable(String),
    \`metadata\` Map(LowCardinality(String), String),
    \`release\` Nullable(String),
    \`version\` Nullable(String),
    \`project_id\` String,
    \`public\` Bool,
    \`bookmarked\` Bool,
    \`tags\` Array(String),
    \`input\` Nullable(String) CODEC(ZSTD(3)),
    \`output\` Nullable(String) CODEC(ZSTD(3)),
    \`session_id\` Nullable(String),
    \`created_at\` DateTime64(3) DEFAULT now(),
    updated_at DateTime64(3) DEFAULT now(),
    \`event_ts\` DateTime64(3),
    \`is_deleted\` UInt8,
    INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_metadata_key mapKeys(metadata) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_metadata_value mapValues(metadata) TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = ReplacingMergeTree(event_ts, is_deleted) Partition by toYYYYMM(timestamp)
PRIMARY KEY (
     project_id,
     toDate(timestamp)
)
ORDER BY (
    project_id,
    toDate(timestamp),
    id
)`,
  observations: `CREATE TABLE IF NOT EXISTS observations (
    \`id\` String,
    \`trace_id\` String,
    \`project_id\` String,
    \`type\` LowCardinality(String),
    \`parent_observation_id\` Nullable(String),
    \`start_time\` DateTime64(3),
    \`end_time\` Nullable(DateTime64(3)),
    \`name\` String,
    \`metadata\` Map(LowCardinality(String), String),
    \`level\` LowCardinality(String),
    \`status_message\` Nullable(String),
    \`version\` Nullable(String),
    \`input\` Nullable(String) CODEC(ZSTD(3)),
    \`output\` Nullable(String) CODEC(ZSTD(3)),
    \`provided_model_name\` Nullable(String),
    \`internal_model_id\` Nullable(String),
    \`model_parameters\` Nullable(String),
    \`provided_usage_details\` Map(LowCardinality(String), UInt64),
    \`usage_details\` Map(LowCardinality(String), UInt64),
    \`provided_cost_details\` Map(LowCardinality(String), Decimal64(12)),
    \`cost_details\` Map(LowCardinality(String), Decimal64(12)),
    \`total_cost\` Nullable(Decimal64(12)),
    \`completion_start_time\` Nullable(DateTime64(3)),
    \`prompt_id\` Nullable(String),
    \`prompt_name\` Nullable(String),
    \`prompt_version\` Nullable(UInt16),
    \`created_at\` DateTime64(3) DEFAULT now(),
    \`updated_at\` DateTime64(3) DEFAULT now(),
    event_ts DateTime64(3),
    is_deleted UInt8,
    INDEX idx_id id TYPE bloom_filter() GRANULARITY 1,
    INDEX idx_trace_id trace_id TYPE bloom_filter() GRANULARITY 1,
    INDEX idx_project_id project_id TYPE bloom_filter() GRANULARITY 1
) ENGINE = ReplacingMergeTree(event_ts, is_deleted) Partition by toYYYYMM(start_time)
PRIMARY KEY (
    project_id,
    \`type\`,
    toDate(start_time)
)
ORDER BY (
    project_id,
    \`type\`,
    toDate(start_time),
    id
)`,
  scores: `CREATE TABLE IF NOT EXISTS scores (
    \`id\` String,
    \`timestamp\` DateTime64(3),
    \`project_id\` String,
    \`trace_id\` String,
    \`observation_id\` Nullable(String),
    \`name\` String,
    \`value\` Float64,
    \`source\` String,
    \`comment\` Nullable(String) CODEC(ZSTD(1)),
    \`author_user_id\` Nullable(String),
    \`config_id\` Nullable(String),
    \`data_type\` String,
    \`string_value\` Nullable(String),
    \`queue_id\` Nullable(String),
    \`created_at\` DateTime64(3) DEFAULT now(),
    \`updated_at\` DateTime64(3) DEFAULT now(),
    event_ts DateTime64(3),
    \`is_deleted\` UInt8,
    INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_project_trace_observation (project_id, trace_id, observation_id) TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = ReplacingMergeTree(event_ts, is_deleted) Partition by toYYYYMM(timestamp)
PRIMARY KEY (
    project_id,
    toDate(timestamp),
    name
)
ORDER BY (
    project_id,
    toDate(timestamp),
    name,
    id
)`,
};

/** Creates the three tables in the session's current database. */
export function createLangfuseTables(
  session: Session,
  settings: Record<string, number> = {},
): void {
  const extra = Object.entries(settings)
    .map(([k, v]) => `${k} = ${Number(v)}`)
    .join(', ');
  for (const table of LANGFUSE_TABLES) {
    session.query(`${LANGFUSE_DDL[table]}${extra ? ` SETTINGS ${extra}` : ''}`);
  }
}

/**
 * The settings Langfuse's ClickHouse client puts on every query, inserts
 * included (langfuse/langfuse
 * packages/shared/src/server/clickhouse/client.ts, `clickhouse_settings`):
 * asynchronous inserts, each waiting until its data is written.
 *
 * chDB (ClickHouse 26.x in process) accepts both settings but has no
 * asynchronous insert queue: it writes each insert at once, as a
 * synchronous insert (system.events counts InsertQuery, never
 * AsyncInsertQuery; test/clickhouse/langfuse-load.test.ts). A server
 * with the queue may merge concurrent inserts into one part; chDB makes a
 * part per insert, so the load piles up parts at least as fast as the
 * worker's would.
 */
export const LANGFUSE_INSERT_SETTINGS = {
  async_insert: 1,
  wait_for_async_insert: 1,
} as const;

const SETTINGS_CLAUSE = `SETTINGS ${Object.entries(LANGFUSE_INSERT_SETTINGS)
  .map(([k, v]) => `${k}=${v}`)
  .join(', ')}`;

/** One batch per table, as the worker flushes its queues. */
const INSERTS: Record<LangfuseTable, (rows: number) => string> = {
  traces: (rows) =>
    `INSERT INTO traces (id, timestamp, name, project_id, public, bookmarked, tags, metadata, input, output, event_ts, is_deleted) ${SETTINGS_CLAUSE} SELECT generateUUIDv4(), now64(3), 'chat', 'proj-demo', false, false, ['prod'], map('env', 'prod'), repeat('q', 200), repeat('a', 400), now64(3), 0 FROM numbers(${rows})`,
  observations: (rows) =>
    `INSERT INTO observations (id, trace_id, project_id, type, start_time, name, metadata, level, input, output, usage_details, event_ts, is_deleted) ${SETTINGS_CLAUSE} SELECT generateUUIDv4(), generateUUIDv4(), 'proj-demo', 'GENERATION', now64(3), 'llm-call', map('model', 'gpt'), 'DEFAULT', repeat('p', 300), repeat('c', 600), map('input', 120, 'output', 240), now64(3), 0 FROM numbers(${rows})`,
  scores: (rows) =>
    `INSERT INTO scores (id, timestamp, project_id, trace_id, name, value, source, data_type, event_ts, is_deleted) ${SETTINGS_CLAUSE} SELECT generateUUIDv4(), now64(3), 'proj-demo', generateUUIDv4(), 'quality', rand() / 4294967295, 'API', 'NUMERIC', now64(3), 0 FROM numbers(${rows})`,
};

/**
 * Inserts like the Langfuse worker: `batches` rounds of small batches
 * (`rowsPerBatch` rows) into the given tables, each a new part.
 */
export function insertLikeLangfuseWorker(
  session: Session,
  options: {
    batches: number;
    rowsPerBatch: number;
    tables?: readonly LangfuseTable[];
  },
): number {
  const tables = options.tables ?? LANGFUSE_TABLES;
  let inserts = 0;
  for (let i = 0; i < options.batches; i++) {
    for (const table of tables) {
      session.query(INSERTS[table](options.rowsPerBatch));
      inserts++;
    }
  }
  return inserts;
}

/** Stops background merges, so parts pile up as on starved storage. */
export function stopMerges(session: Session): void {
  for (const table of LANGFUSE_TABLES) {
    session.query(`SYSTEM STOP MERGES ${table}`);
  }
}

/** Lets background merges run again. */
export function startMerges(session: Session): void {
  for (const table of LANGFUSE_TABLES) {
    session.query(`SYSTEM START MERGES ${table}`);
  }
}

/** Active parts of the Langfuse tables in the session's database. */
export function activeParts(session: Session): number {
  return Number(
    session
      .query(
        'SELECT count() FROM system.parts WHERE active AND database = currentDatabase()',
        'TSV',
      )
      .trim(),
  );
}
