/**
 * The contracts between the states of the burstguard workflow: one zod schema
 * per state boundary. Types come from `z.infer`, so what a step promises and
 * what the next step accepts are the same declaration.
 */
import * as z from 'zod/mini';
import { schema } from './schema.ts';

/** EFS file system ids: `fs-` and 8 to 40 hex digits (EFS API pattern). */
export const fileSystemIdSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.regex(/^fs-[0-9a-f]{8,40}$/, 'must look like fs-0123456789abcdef0'),
    ),
);

/** The tag an alarm may carry to name its file system. */
export const FILE_SYSTEM_TAG = 'burstguard:file-system-id';

export const isoTimeSchema = /* @__PURE__ */ schema(() =>
  z.iso.datetime({ offset: true }),
);

/**
 * How far back an incident window reaches, in minutes: at least 15 (a
 * shorter window holds too few 1-minute points to rate), at most 15 days,
 * as long as CloudWatch keeps 1-minute data points (CloudWatch user guide,
 * "Metrics concepts", data point retention: 60-second points for 15 days).
 */
export const WINDOW_MINUTES = { min: 15, max: 21_600 } as const;

export const windowMinutesSchema = /* @__PURE__ */ schema(() =>
  z
    .number()
    .check(z.int(), z.gte(WINDOW_MINUTES.min), z.lte(WINDOW_MINUTES.max)),
);

/** A window length brought inside WINDOW_MINUTES. */
export function clampWindowMinutes(minutes: number): number {
  return Math.min(WINDOW_MINUTES.max, Math.max(WINDOW_MINUTES.min, minutes));
}

export const policySchema = /* @__PURE__ */ schema(() =>
  z.enum(['off', 'approve', 'auto']),
);
export type Policy = z.infer<typeof policySchema>;

export const VERDICTS = [
  'efs-burst-credits-exhausted',
  'efs-burst-credits-draining',
  'efs-provisioned-throughput-saturated',
  'efs-io-limit',
  'clickhouse-merge-backlog',
  'clickhouse-unreachable',
  'no-storage-problem',
  'insufficient-evidence',
] as const;
export const verdictSchema = /* @__PURE__ */ schema(() => z.enum(VERDICTS));
export type Verdict = z.infer<typeof verdictSchema>;

export const ACTIONS = [
  'switch-to-elastic',
  'increase-provisioned-throughput',
  'tune-clickhouse-inserts',
  'investigate',
  'none',
] as const;
export const actionSchema = /* @__PURE__ */ schema(() => z.enum(ACTIONS));
export type Action = z.infer<typeof actionSchema>;

/**
 * The error object a Step Functions Catch puts in the state: the error name
 * and, for a Lambda error, its JSON Cause.
 */
export const caughtErrorSchema = /* @__PURE__ */ schema(() =>
  z.object({
    Error: z.string(),
    Cause: z.optional(z.string()),
  }),
);
export type CaughtError = z.infer<typeof caughtErrorSchema>;

/** An approver's answer, as the approval task token returns it. */
export const approvalAnswerSchema = /* @__PURE__ */ schema(() =>
  z.object({
    approved: z.boolean(),
    by: z.optional(z.string()),
  }),
);

/** The three evidence sources, in the order of the Gather branches. */
export const SOURCES = ['efs', 'langfuse', 'clickhouse'] as const;
export type Source = (typeof SOURCES)[number];

// ---------------------------------------------------------------- Normalize

/** A run started to apply the weekly throughput-mode advice. */
export const adviceRequestSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    mode: z.enum(['bursting', 'provisioned', 'elastic']),
    provisionedMibps: z.optional(
      z.number().check(z.int(), z.gte(1), z.lte(3414)),
    ),
    /** The Slack user who pressed Apply. */
    requestedBy: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
);
export type AdviceRequest = z.infer<typeof adviceRequestSchema>;

/** What Normalize makes of any trigger: alarm event, console input, schedule. */
export const triggerSchema = /* @__PURE__ */ schema(() =>
  z.object({
    kind: z.enum(['alarm', 'manual']),
    fileSystemId: fileSystemIdSchema,
    region: z.string().check(z.minLength(1)),
    /**
     * ALARM opens or joins an incident; OK starts the quiet-period check that
     * may resolve it.
     */
    state: z.enum(['ALARM', 'OK']),
    /**
     * The alarm's state before this change (the event's
     * `detail.previousState.value`): an OK that follows INSUFFICIENT_DATA
     * says nothing about the incident and never resolves it.
     */
    previousState: z.optional(z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA'])),
    alarmName: z.optional(z.string()),
    alarmReason: z.optional(z.string()),
    /** Which signal raised the alarm, when it is known. */
    alarmMetric: z.optional(z.string()),
    triggeredAt: isoTimeSchema,
    windowMinutes: windowMinutesSchema,
    windowStart: isoTimeSchema,
    windowEnd: isoTimeSchema,
    dryRun: z.boolean(),
    /**
     * The policy this run acts under: the configured one, or lower when the
     * run asked for less (a run can lower it, never raise it).
     */
    policy: policySchema,
    /** The file system's configured policy, when Normalize knew it. */
    configuredPolicy: z.optional(policySchema),
    /** What the run asked for, if anything (it may only lower the policy). */
    requestedPolicy: z.optional(policySchema),
    /** Who asked: the manual input, or the alarm's `burstguard:policy` tag. */
    policyRequestedBy: z.optional(z.enum(['run-input', 'alarm-tag'])),
    note: z.optional(z.string()),
    /** The weekly advice a manual run applies, when it was started for it. */
    advice: z.optional(adviceRequestSchema),
  }),
);
export type Trigger = z.infer<typeof triggerSchema>;

// ---------------------------------------------------------- Open incident

export const incidentSchema = /* @__PURE__ */ schema(() =>
  z.object({
    incidentId: z.string().check(z.minLength(1)),
    fileSystemId: fileSystemIdSchema,
    openedAt: isoTimeSchema,
    /**
     * What the workflow does next, computed in TypeScript and compared by the
     * state machine's Choices: `diagnose` for a new incident, `joined` when
     * one is already open for the file system, `quiet-check` when an alarm of
     * the open incident is OK again (wait the quiet period, then read every
     * joined alarm), `resolved` when every joined alarm stayed OK and this
     * run closed the incident, `still-alarming` when a joined alarm is not OK
     * after the quiet period, `ignored` when there is nothing to do (nothing
     * open, an OK after INSUFFICIENT_DATA, an alarm that never joined, or the
     * incident changed during the quiet period).
     */
    next: z.enum([
      'diagnose',
      'joined',
      'resolved',
      'ignored',
      'quiet-check',
      'still-alarming',
    ]),
    /** Why the run stops here, for `ignored` and `still-alarming`. */
    reason: z.optional(z.string()),
    /** Slack thread of the incident, once the first message went out. */
    slackThreadTs: z.optional(z.string()),
    slackChannel: z.optional(z.string()),
    triggers: z.number().check(z.int(), z.gte(1)),
    /** Every alarm that opened or joined the incident, sorted. */
    alarmNames: z.optional(z.array(z.string().check(z.minLength(1)))),
    /** Seconds the QuietPeriod Wait state waits (its SecondsPath). */
    quietSeconds: z.optional(z.number().check(z.int(), z.gte(0))),
    /**
     * When the incident's approval card was posted, while that approval is
     * still unanswered: a person may still approve after the incident ends.
     */
    approvalRequestedAt: z.optional(isoTimeSchema),
    /** What CloudWatch said of each joined alarm after the quiet period. */
    alarmStates: z.optional(
      z.record(
        z.string(),
        z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA', 'missing']),
      ),
    ),
  }),
);
export type Incident = z.infer<typeof incidentSchema>;

// ---------------------------------------------------------------- Evidence

/**
 * A metric series on a regular grid: `values[i]` is the datapoint at
 * `start + i * periodSeconds`; `null` where CloudWatch returned no datapoint.
 * Compact on purpose: Step Functions payloads are capped at 256 KB.
 */
export const seriesSchema = /* @__PURE__ */ schema(() =>
  z.object({
    start: isoTimeSchema,
    periodSeconds: z.number().check(z.int(), z.gte(1)),
    values: z.array(z.nullable(z.number())),
    /** CloudWatch StatusCode of the result: Complete, PartialData, ... */
    status: z.optional(z.string()),
  }),
);
export type Series = z.infer<typeof seriesSchema>;

export const EFS_METRIC_IDS = [
  'burst_credit_balance',
  'permitted_throughput',
  'metered_io_bytes',
  'total_io_bytes',
  'data_read_io_bytes',
  'data_write_io_bytes',
  'metadata_io_bytes',
  'percent_io_limit',
  'client_connections',
] as const;
export type EfsMetricId = (typeof EFS_METRIC_IDS)[number];

export const LANGFUSE_METRIC_IDS = [
  'langfuse_dropped_records',
  'langfuse_clickhouse_timeouts',
  // Langfuse's own metric (ENABLE_AWS_CLOUDWATCH_METRIC_PUBLISHING=true):
  // one per dropped record, namespace Langfuse, no dimensions.
  'langfuse_writer_errors',
] as const;
export type LangfuseMetricId = (typeof LANGFUSE_METRIC_IDS)[number];

/** Every metric Id of the recording format, in order. */
export const METRIC_IDS = [...EFS_METRIC_IDS, ...LANGFUSE_METRIC_IDS] as const;
export type MetricId = (typeof METRIC_IDS)[number];

const unavailableSchema = /* @__PURE__ */ schema(() =>
  z.object({
    available: z.literal(false),
    /** One line: why this source could not be read. */
    reason: z.string(),
    errorName: z.optional(z.string()),
    elapsedMs: z.optional(z.number()),
  }),
);

export const fileSystemFactsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    fileSystemId: fileSystemIdSchema,
    name: z.optional(z.string()),
    throughputMode: z.enum(['bursting', 'provisioned', 'elastic']),
    performanceMode: z.enum(['generalPurpose', 'maxIO']),
    provisionedThroughputMibps: z.optional(z.number()),
    lifeCycleState: z.string(),
    sizeBytes: z.number().check(z.nonnegative()),
    sizeStandardBytes: z.number().check(z.nonnegative()),
    sizeMeasuredAt: z.optional(isoTimeSchema),
    /**
     * The Availability Zone of a One Zone file system; absent for Regional
     * ones (DescribeFileSystems' AvailabilityZoneName).
     */
    availabilityZoneName: z.optional(z.string()),
    tags: z.record(z.string(), z.string()),
  }),
);
export type FileSystemFacts = z.infer<typeof fileSystemFactsSchema>;

export const efsEvidenceSchema = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('available', [
    z.object({
      source: z.literal('efs'),
      available: z.literal(true),
      fileSystem: fileSystemFactsSchema,
      periodSeconds: z.number().check(z.int(), z.gte(60)),
      metrics: z.partialRecord(z.enum(EFS_METRIC_IDS), seriesSchema),
      /** Ids asked for that CloudWatch did not return or returned empty. */
      missing: z.array(z.string()),
    }),
    z.extend(unavailableSchema, { source: z.literal('efs') }),
  ]),
);
export type EfsEvidence = z.infer<typeof efsEvidenceSchema>;

export const droppedRecordsCountSchema = /* @__PURE__ */ schema(() =>
  z.object({
    source: z.enum(['logs-insights', 'metric-filter']),
    series: z.optional(seriesSchema),
    /** Logs Insights bills per byte scanned: what this count cost. */
    bytesScanned: z.optional(z.number().check(z.nonnegative())),
    note: z.optional(z.string()),
  }),
);
export type DroppedRecordsCount = z.infer<typeof droppedRecordsCountSchema>;

export const langfuseEvidenceSchema = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('available', [
    z.object({
      source: z.literal('langfuse'),
      available: z.literal(true),
      periodSeconds: z.number().check(z.int(), z.gte(60)),
      /** Sparse count series: a missing datapoint means zero events. */
      metrics: z.partialRecord(z.enum(LANGFUSE_METRIC_IDS), seriesSchema),
      missing: z.array(z.string()),
      /**
       * How dropped records were counted: exactly, from Langfuse's log lines
       * with Logs Insights (`series` per period), or from the metric filters,
       * which count lines (one per batch from Langfuse v3.148), with `note`
       * saying why the exact count is not there.
       */
      droppedRecordsCount: z.optional(droppedRecordsCountSchema),
    }),
    z.extend(unavailableSchema, { source: z.literal('langfuse') }),
  ]),
);
export type LangfuseEvidence = z.infer<typeof langfuseEvidenceSchema>;

export const partitionPartsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    database: z.string(),
    table: z.string(),
    partitionId: z.string(),
    parts: z.number(),
    rows: z.number(),
    bytesOnDisk: z.number(),
  }),
);

/** What the ClickHouse snapshot says, reduced to the numbers that matter. */
export const clickHouseSummarySchema = /* @__PURE__ */ schema(() =>
  z.object({
    activeMerges: z.number(),
    longestMergeElapsedSeconds: z.nullable(z.number()),
    longestMergeProgress: z.nullable(z.number()),
    /** Bytes of compressed input merged per second, from part_log. */
    mergeBytesPerSecond: z.nullable(z.number()),
    newPartsPerMinute: z.nullable(z.number()),
    mergePartsPerMinute: z.nullable(z.number()),
    maxPartsInPartition: z.nullable(z.number()),
    maxPartsTable: z.nullable(z.string()),
    partsToDelayInsert: z.nullable(z.number()),
    partsToThrowInsert: z.nullable(z.number()),
    delayedInserts: z.nullable(z.number()),
    rejectedInserts: z.nullable(z.number()),
    delayedInsertsMilliseconds: z.nullable(z.number()),
    stuckReplicationEntries: z.nullable(z.number()),
    unfinishedMutations: z.nullable(z.number()),
    diskFreeBytes: z.nullable(z.number()),
    diskTotalBytes: z.nullable(z.number()),
    topPartitions: z.array(partitionPartsSchema),
    /**
     * What ClickHouse's own system.*_log tables wrote in the window (parts
     * from part_log), against every table's writes; absent when not read.
     */
    logTables: z.optional(
      z.object({
        bytesWritten: z.number(),
        totalBytesWritten: z.number(),
        sharePercent: z.number(),
        /** The log tables that wrote most, largest first. */
        tables: z.array(z.object({ table: z.string(), bytes: z.number() })),
      }),
    ),
  }),
);
export type ClickHouseSummary = z.infer<typeof clickHouseSummarySchema>;

/** A replica's replication state: system.replicas and its queue. */
export const replicationSummarySchema = /* @__PURE__ */ schema(() =>
  z.object({
    /** Entries in system.replication_queue (read up to its LIMIT). */
    queueEntries: z.number(),
    /** Entries retried more than STUCK_REPLICATION_TRIES times. */
    stuckEntries: z.number(),
    /** Age of the oldest entry at the window's end, from create_time. */
    oldestEntryAgeSeconds: z.nullable(z.number()),
    /** The most retried entry: its type, tries, last error, postponement. */
    worstEntry: z.nullable(
      z.object({
        table: z.string(),
        type: z.string(),
        numTries: z.number(),
        lastException: z.string(),
        postponeReason: z.string(),
      }),
    ),
    /** system.replicas, summed or at worst over the replicated tables. */
    replicatedTables: z.nullable(z.number()),
    queueSize: z.nullable(z.number()),
    insertsInQueue: z.nullable(z.number()),
    mergesInQueue: z.nullable(z.number()),
    maxAbsoluteDelaySeconds: z.nullable(z.number()),
    readonlyTables: z.nullable(z.number()),
    sessionExpiredTables: z.nullable(z.number()),
  }),
);
export type ReplicationSummary = z.infer<typeof replicationSummarySchema>;

/**
 * A replica's Keeper session, from system.zookeeper_connection:
 * `connected` (a session that has not expired), `expired`, `no-session`
 * (no row), `not-configured` (the table does not exist), `unknown` (the
 * query failed otherwise; `reason` says why).
 */
export const keeperStateSchema = /* @__PURE__ */ schema(() =>
  z.object({
    state: z.enum([
      'connected',
      'expired',
      'no-session',
      'not-configured',
      'unknown',
    ]),
    reason: z.optional(z.string()),
  }),
);

/** One replica of a cluster: its snapshot, replication and Keeper. */
export const replicaEvidenceSchema = /* @__PURE__ */ schema(() =>
  z.object({
    name: z.string(),
    available: z.boolean(),
    /** Why the replica could not be read, one line. */
    reason: z.optional(z.string()),
    elapsedMs: z.number(),
    summary: z.optional(clickHouseSummarySchema),
    replication: z.nullable(replicationSummarySchema),
    keeper: keeperStateSchema,
  }),
);
export type ReplicaEvidence = z.infer<typeof replicaEvidenceSchema>;

export const clickHouseEvidenceSchema = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('available', [
    z.object({
      source: z.literal('clickhouse'),
      available: z.literal(true),
      elapsedMs: z.number(),
      /** Each snapshot query: ok with its row count, or why it failed. */
      queries: z.record(
        z.string(),
        z.object({
          ok: z.boolean(),
          rows: z.number(),
          reason: z.optional(z.string()),
        }),
      ),
      summary: clickHouseSummarySchema,
      /** Every replica of a cluster, when more than one is configured. */
      replicas: z.optional(z.array(replicaEvidenceSchema)),
    }),
    z.extend(unavailableSchema, {
      source: z.literal('clickhouse'),
      replicas: z.optional(z.array(replicaEvidenceSchema)),
    }),
  ]),
);
export type ClickHouseEvidence = z.infer<typeof clickHouseEvidenceSchema>;

export const evidenceSchema = /* @__PURE__ */ schema(() =>
  z.object({
    efs: efsEvidenceSchema,
    langfuse: langfuseEvidenceSchema,
    clickhouse: clickHouseEvidenceSchema,
  } satisfies Record<Source, z.ZodMiniType>),
);
export type Evidence = z.infer<typeof evidenceSchema>;

/**
 * What a Gather branch leaves when its Task failed outright (its Catch):
 * the Step Functions error object, turned into evidence by Diagnose.
 */
export const caughtBranchSchema = /* @__PURE__ */ schema(() =>
  z.object({
    source: z.enum(SOURCES),
    caught: caughtErrorSchema,
  }),
);

/** One Gather branch output: evidence, or the Catch's error object. */
export const gatherBranchSchema = /* @__PURE__ */ schema(() =>
  z.union([
    efsEvidenceSchema,
    langfuseEvidenceSchema,
    clickHouseEvidenceSchema,
    caughtBranchSchema,
  ]),
);

// --------------------------------------------------------------- Diagnose

export const hypothesisSchema = /* @__PURE__ */ schema(() =>
  z.object({
    verdict: verdictSchema,
    score: z.number().check(z.gte(0), z.lte(1)),
    evidenceFor: z.array(z.string()),
    evidenceAgainst: z.array(z.string()),
  }),
);
export type Hypothesis = z.infer<typeof hypothesisSchema>;

export const costOptionSchema = /* @__PURE__ */ schema(() =>
  z.object({
    mode: z.enum(['bursting', 'elastic', 'provisioned']),
    monthlyUsd: z.nullable(z.number()),
    basis: z.string(),
    provisionedMibps: z.optional(z.number()),
    /**
     * False when EFS does not offer the mode to this file system (Elastic on
     * Max I/O); `basis` says why and `monthlyUsd` is null.
     */
    available: z.optional(z.boolean()),
  }),
);
export type CostOption = z.infer<typeof costOptionSchema>;

export const recommendationSchema = /* @__PURE__ */ schema(() =>
  z.object({
    action: actionSchema,
    summary: z.string(),
    costs: z.array(costOptionSchema),
    /** The 24 h rule on throughput mode changes, said every time it applies. */
    caveats: z.array(z.string()),
    priceTable: z.optional(z.string()),
  }),
);
export type Recommendation = z.infer<typeof recommendationSchema>;

/**
 * Two sources that cannot both be right (e.g. burst credits above zero
 * while permitted throughput sits at the Bursting baseline). `auto` never
 * acts on a diagnosis that has one: a person looks first.
 */
export const contradictionSchema = /* @__PURE__ */ schema(() =>
  z.object({
    /** Stable id, e.g. `credits-but-permitted-at-baseline`. */
    id: z.string(),
    /** What the sources say, with numbers. */
    detail: z.string(),
    /** Why the two cannot both be right, and the documentation that says so. */
    why: z.string(),
  }),
);
export type Contradiction = z.infer<typeof contradictionSchema>;

export const diagnosisSchema = /* @__PURE__ */ schema(() =>
  z.object({
    verdict: verdictSchema,
    confidence: z.number().check(z.gte(0), z.lte(1)),
    headline: z.string(),
    findings: z.array(z.string()),
    ranked: z.array(hypothesisSchema),
    /** Sources that could not be read, one line each. */
    gaps: z.array(z.string()),
    /** The numbers behind the findings, for scripts and the Slack card. */
    signals: z.record(z.string(), z.nullable(z.number())),
    /** Sources that disagree; absent in diagnoses made before it existed. */
    contradictions: z.optional(z.array(contradictionSchema)),
  }),
);
export type Diagnosis = z.infer<typeof diagnosisSchema>;

/** Where the policy Choice goes: computed in TypeScript, compared in ASL. */
export const decisionSchema = /* @__PURE__ */ schema(() =>
  z.object({
    next: z.enum(['done', 'request-approval', 'remediate']),
    reason: z.string(),
    /** The policy the decision was made under, and who asked for what. */
    policy: z.optional(
      z.object({
        configured: policySchema,
        requested: z.optional(policySchema),
        requestedBy: z.optional(z.enum(['run-input', 'alarm-tag'])),
        effective: policySchema,
        /** One line, e.g. "policy: approve (configured); the run asked for auto, which can only lower it". */
        statement: z.string(),
      }),
    ),
  }),
);
export type Decision = z.infer<typeof decisionSchema>;

export const diagnoseOutputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    diagnosis: diagnosisSchema,
    recommendation: recommendationSchema,
    decision: decisionSchema,
  }),
);
export type DiagnoseOutput = z.infer<typeof diagnoseOutputSchema>;

// ------------------------------------------------------------------ Notify

export const slackMessageSchema = /* @__PURE__ */ schema(() =>
  z.object({
    channel: z.string(),
    threadTs: z.optional(z.string()),
    text: z.string(),
    blocks: z.array(z.record(z.string(), z.unknown())),
  }),
);
export type SlackMessage = z.infer<typeof slackMessageSchema>;

export const notificationSchema = /* @__PURE__ */ schema(() =>
  z.object({
    delivered: z.boolean(),
    channel: z.string(),
    threadTs: z.optional(z.string()),
    /** Why the message did not go out; the finding stays in this output. */
    error: z.optional(z.string()),
    messages: z.array(slackMessageSchema),
    /**
     * The charts uploaded into the thread with the finding: Slack's file id,
     * or where a local run wrote the PNG.
     */
    charts: z.optional(
      z.array(
        z.object({
          title: z.string(),
          id: z.string(),
          path: z.optional(z.string()),
        }),
      ),
    ),
    /** Why the charts are missing, when they could not be made. */
    chartError: z.optional(z.string()),
    /**
     * Whether the status line of the thread's root message was edited too
     * (absent when there was none to edit); a failed edit never fails a step.
     */
    rootUpdated: z.optional(z.boolean()),
    rootError: z.optional(z.string()),
  }),
);
export type Notification = z.infer<typeof notificationSchema>;

/**
 * One round of an approval request (EscalateApproval's output): the round
 * now open, whether the request waits on (`wait`) or has expired, and when
 * it expires. Round 1 is the card itself; each later round re-asks.
 */
export const approvalRoundSchema = /* @__PURE__ */ schema(() =>
  z.extend(notificationSchema, {
    round: z.number().check(z.int(), z.gte(1)),
    next: z.enum(['wait', 'expired']),
    /** When the card was posted: every round's expiry counts from it. */
    askedAt: isoTimeSchema,
    expiresAt: isoTimeSchema,
    /** Whether the pager webhook took the page, when one is configured. */
    paged: z.optional(z.boolean()),
    pageError: z.optional(z.string()),
  }),
);
export type ApprovalRound = z.infer<typeof approvalRoundSchema>;

// --------------------------------------------------------------- Remediate

export const updateFileSystemCallSchema = /* @__PURE__ */ schema(() =>
  z.object({
    FileSystemId: fileSystemIdSchema,
    ThroughputMode: z.enum(['bursting', 'provisioned', 'elastic']),
    ProvisionedThroughputInMibps: z.optional(z.number()),
  }),
);

export const remediationSchema = /* @__PURE__ */ schema(() =>
  z.object({
    action: actionSchema,
    status: z.enum([
      'not-attempted',
      'dry-run',
      'applied',
      'already-done',
      'refused',
      'locked',
      'failed',
      // UpdateFileSystem was (or may have been) called and gave no clear
      // answer: the change may have happened. Verify reads the mode back.
      'unknown',
    ]),
    reason: z.string(),
    call: z.optional(updateFileSystemCallSchema),
    /**
     * When a change is allowed again: from EFS's TooManyRequests answer, or
     * from burstguard's own one-change-per-24-h limit (see `lockedBy`).
     */
    retryAfter: z.optional(isoTimeSchema),
    /** Whose limit a `locked` status is: EFS's answer, or burstguard's own. */
    lockedBy: z.optional(z.enum(['efs', 'burstguard'])),
    approvedBy: z.optional(z.string()),
    at: z.optional(isoTimeSchema),
  }),
);
export type Remediation = z.infer<typeof remediationSchema>;

// ------------------------------------------------------------------ Verify

/** Whether the change worked, checked a while after it was made. */
// ------------------------------------------------------------- Recovery

/** The window whose uploads are replayed; `from` before `to`. */
export const recoveryWindowSchema = /* @__PURE__ */ schema(() =>
  z.object({ from: isoTimeSchema, to: isoTimeSchema }).check(
    z.refine((w) => Date.parse(w.from) < Date.parse(w.to), {
      message: 'window.from must be before window.to',
    }),
  ),
);

/** A Slack thread: the channel id and the parent message's ts. */
export const threadRefSchema = /* @__PURE__ */ schema(() =>
  z.object({
    channel: z.string().check(z.minLength(1)),
    ts: z.string().check(z.minLength(1)),
  }),
);
export type ThreadRef = z.infer<typeof threadRefSchema>;

/**
 * The recovery execution's input: started by the main state machine after
 * Verify, or by `burstguard recover`. `policy` may only lower the file
 * system's configured one (auto -> approve -> off).
 */
export const recoveryInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    fileSystemId: fileSystemIdSchema,
    window: recoveryWindowSchema,
    dryRun: z.optional(z.boolean()),
    policy: z.optional(policySchema),
    incidentId: z.optional(z.string().check(z.minLength(1))),
    thread: z.optional(threadRefSchema),
    droppedRecords: z.optional(z.number().check(z.int(), z.nonnegative())),
  }),
);
export type RecoveryInput = z.infer<typeof recoveryInputSchema>;

export const verificationSchema = /* @__PURE__ */ schema(() =>
  z.object({
    verdict: z.enum(['worked', 'not-yet', 'not-working', 'unknown']),
    summary: z.string(),
    checkedAt: isoTimeSchema,
    throughputMode: z.nullable(z.string()),
    minutesSinceChange: z.number(),
    utilizationBeforePercent: z.nullable(z.number()),
    utilizationAfterPercent: z.nullable(z.number()),
    langfuseErrorsBefore: z.nullable(z.number()),
    langfuseErrorsAfter: z.nullable(z.number()),
    /**
     * The recovery of the records Langfuse dropped that the switch's success
     * starts (the recovery state machine's input); absent when the file
     * system has no recovery configuration or the switch did not work.
     */
    recovery: z.optional(recoveryInputSchema),
  }),
);
export type Verification = z.infer<typeof verificationSchema>;

// ------------------------------------------------------ The whole run state

/** The execution's state after each step, as the ASL ResultPaths build it. */
export const afterNormalizeSchema = /* @__PURE__ */ schema(() =>
  z.object({
    trigger: triggerSchema,
    /** The execution's ARN (`$$.Execution.Id`), for the console links. */
    executionArn: z.optional(z.string()),
  }),
);
export const afterOpenSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterNormalizeSchema, {
    incident: incidentSchema,
  }),
);
export const afterGatherSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterOpenSchema, {
    gathered: z.array(gatherBranchSchema).check(z.length(3)),
  }),
);
export const afterDiagnoseSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterGatherSchema, {
    result: diagnoseOutputSchema,
  }),
);
export const afterNotifySchema = /* @__PURE__ */ schema(() =>
  z.extend(afterDiagnoseSchema, {
    notification: notificationSchema,
  }),
);
export const afterRemediateSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterNotifySchema, {
    approval: z.optional(approvalAnswerSchema),
    remediation: remediationSchema,
    verification: z.optional(verificationSchema),
    /** The Verify step's error, when the check itself failed (its Catch). */
    verifyError: z.optional(caughtErrorSchema),
    /** The recovery execution a switch that worked started (StartRecovery). */
    recoveryStart: z.optional(z.object({ executionArn: z.string() })),
    /** Why StartRecovery could not start it (its Catch). */
    recoveryStartError: z.optional(caughtErrorSchema),
  }),
);
/**
 * What a failed run did with its incident (EndFailedRun): `ended` when the
 * run's own incident had no alarm and was closed with it, `open` when it
 * stays open for its alarms (or is no longer this run's), `none` when the
 * run failed before it had an incident.
 */
export const runEndSchema = /* @__PURE__ */ schema(() =>
  z.object({
    outcome: z.enum(['ended', 'open', 'none']),
    reason: z.string(),
    incidentId: z.optional(z.string()),
  }),
);
export type RunEnd = z.infer<typeof runEndSchema>;

/**
 * The state NotifyFailure receives: whatever the run had when a step failed
 * (each part optional, since any step may fail), the error its Catch put in
 * `failure`, and the failed state's name.
 */
export const afterFailureSchema = /* @__PURE__ */ schema(() =>
  z.object({
    trigger: z.optional(triggerSchema),
    executionArn: z.optional(z.string()),
    incident: z.optional(incidentSchema),
    notification: z.optional(notificationSchema),
    approval: z.optional(approvalAnswerSchema),
    remediation: z.optional(remediationSchema),
    verification: z.optional(verificationSchema),
    failure: caughtErrorSchema,
    failedState: z.string(),
    /** What EndFailedRun did with the incident before NotifyFailure. */
    runEnd: z.optional(runEndSchema),
    /** EndFailedRun's own error, when it could not tell (its Catch). */
    runEndError: z.optional(caughtErrorSchema),
  }),
);
export type AfterFailure = z.infer<typeof afterFailureSchema>;

export type AfterGather = z.infer<typeof afterGatherSchema>;
export type AfterDiagnose = z.infer<typeof afterDiagnoseSchema>;
export type AfterNotify = z.infer<typeof afterNotifySchema>;
export type AfterRemediate = z.infer<typeof afterRemediateSchema>;

// ------------------------------------------------------------ Step inputs
//
// What each step's Lambda accepts, checked by its handler before the core
// runs: the states above, or a step's own envelope around them.

/** A metric of an alarm, as the alarm event's configuration names it. */
const metricStatSchema = /* @__PURE__ */ schema(() =>
  z.object({
    metric: z.object({
      name: z.string(),
      namespace: z.string(),
      dimensions: z.optional(z.record(z.string(), z.string())),
    }),
    period: z.optional(z.number()),
    stat: z.optional(z.string()),
  }),
);

/** Normalize, from an alarm: EventBridge's "CloudWatch Alarm State Change". */
export const alarmEventSchema = /* @__PURE__ */ schema(() =>
  z.object({
    source: z.literal('aws.cloudwatch'),
    'detail-type': z.literal('CloudWatch Alarm State Change'),
    time: z.optional(z.string()),
    region: z.string().check(z.minLength(1)),
    detail: z.object({
      alarmName: z.string().check(z.minLength(1)),
      alarmTags: z.optional(z.record(z.string(), z.string())),
      state: z.object({
        value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
        reason: z.optional(z.string()),
        timestamp: z.optional(z.string()),
      }),
      // The state the alarm left (CloudWatch user guide,
      // cloudwatch-and-eventbridge: detail.previousState.value).
      previousState: z.optional(
        z.object({
          value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
        }),
      ),
      configuration: z.optional(
        z.object({
          metrics: z.optional(
            z.array(
              z.object({
                id: z.optional(z.string()),
                expression: z.optional(z.string()),
                metricStat: z.optional(metricStatSchema),
              }),
            ),
          ),
        }),
      ),
    }),
    alarmTags: z.optional(z.record(z.string(), z.string())),
  }),
);
export type AlarmEvent = z.infer<typeof alarmEventSchema>;

/** Normalize, started by hand: `{"fileSystemId": "fs-..."}` and options. */
export const manualInputSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    fileSystemId: fileSystemIdSchema,
    windowMinutes: z.optional(windowMinutesSchema),
    dryRun: z.optional(z.boolean()),
    policy: z.optional(policySchema),
    /** When the window ends; defaults to now. */
    at: z.optional(isoTimeSchema),
    note: z.optional(z.string().check(z.maxLength(500))),
    /**
     * The weekly advice this run applies (its Apply button): the mode it
     * recommends, with the Provisioned size, and who pressed it.
     */
    advice: z.optional(adviceRequestSchema),
  }),
);

/** OpenIncident: the trigger and the execution's name. */
export const openIncidentInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    trigger: triggerSchema,
    executionName: z.string().check(z.minLength(1)),
  }),
);

/** Notify: which message, and the state it is built from. */
/**
 * The state while an approval waits: the round that is open (absent in the
 * first) and the timeout that ended the last one.
 */
export const awaitingApprovalSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterNotifySchema, {
    approvalRound: z.optional(approvalRoundSchema),
    approvalTimeout: z.optional(caughtErrorSchema),
  }),
);
export type AwaitingApproval = z.infer<typeof awaitingApprovalSchema>;

export const notifyInputSchema = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('finding'), state: afterDiagnoseSchema }),
    z.object({ kind: z.literal('outcome'), state: afterRemediateSchema }),
    /** UpdateFileSystem was accepted: said at once, before the wait. */
    z.object({ kind: z.literal('switching'), state: afterRemediateSchema }),
    /** An approval round ran out: re-ask, or say it expired. */
    z.object({ kind: z.literal('escalation'), state: awaitingApprovalSchema }),
    z.object({ kind: z.literal('resolved'), state: afterOpenSchema }),
    z.object({ kind: z.literal('failure'), state: afterFailureSchema }),
    z.object({ kind: z.literal('joined'), state: afterOpenSchema }),
    z.object({
      kind: z.literal('check-failed'),
      /** The error the quiet-period check's Catch put in `$.resolveError`. */
      state: z.extend(afterOpenSchema, { resolveError: caughtErrorSchema }),
    }),
  ]),
);
export type NotifyInput = z.infer<typeof notifyInputSchema>;

/** RequestApproval: the task token to wait on, and the state. */
export const requestApprovalInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    taskToken: z.string().check(z.minLength(1)),
    state: awaitingApprovalSchema,
  }),
);
export type RequestApprovalInput = z.infer<typeof requestApprovalInputSchema>;

/** Remediate: the state, with the approver's answer or the wait's error. */
export const remediateInputSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterNotifySchema, {
    approval: z.optional(approvalAnswerSchema),
    approvalError: z.optional(caughtErrorSchema),
  }),
);
export type RemediateInput = z.infer<typeof remediateInputSchema>;

/** Verify: the state after Remediate, before its own result. */
export const verifyInputSchema = /* @__PURE__ */ schema(() =>
  z.omit(afterRemediateSchema, {
    verification: true,
  }),
);

/** ResolveIncident: an incident waiting for its quiet-period check. */
export const resolveIncidentInputSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterOpenSchema, {
    incident: afterOpenSchema.shape.incident.check(
      z.refine(
        (incident) => incident.next === 'quiet-check',
        'must be an incident waiting for its quiet-period check',
      ),
    ),
  }),
);
export type ResolveIncidentInput = z.infer<typeof resolveIncidentInputSchema>;

/** Done: the last step of a run that opened or diagnosed an incident. */
export const endOfRunInputSchema = /* @__PURE__ */ schema(() =>
  z.extend(afterOpenSchema, {
    endOfRun: z.literal(true),
  }),
);
export type EndOfRunInput = z.infer<typeof endOfRunInputSchema>;

/**
 * EndFailedRun: the whole state of a run that failed, whose trigger and
 * incident may be missing (it may have failed before either).
 */
export const endFailedRunInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    endFailedRun: z.literal(true),
    state: afterFailureSchema,
  }),
);
export type EndFailedRunInput = z.infer<typeof endFailedRunInputSchema>;

/** The resolve-incident Lambda: any of its three steps. */
export const resolveStepInputSchema = /* @__PURE__ */ schema(() =>
  z.union([
    endFailedRunInputSchema,
    endOfRunInputSchema,
    resolveIncidentInputSchema,
  ]),
);
