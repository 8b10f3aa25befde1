/**
 * The ports every step talks to the world through. Production adapters wrap
 * the AWS SDK, @clickhouse/client, @slack/web-api and DynamoDB; local adapters
 * read a recording, run chDB or print to the terminal. Core code sees only
 * these types.
 */
import type {
  FileSystemDescription,
  GetQueryResultsOutput,
  MetricDataResult,
} from './aws-shapes.ts';
import type { Incident, SlackMessage } from './contracts.ts';
import type { PriceTable } from './pricing.ts';
import type {
  RecordCounts,
  RecoveryWindow,
  ReplayAnswer,
} from './recovery/contract.ts';
import type { RecoveryCounters, RecoveryPhase } from './recovery/steps.ts';

export type Clock = { now(): Date };

/** EFS control plane. Throws FileSystemNotFoundError for a missing id. */
export type EfsPort = {
  describeFileSystem(fileSystemId: string): Promise<FileSystemDescription>;
  updateFileSystem(call: {
    FileSystemId: string;
    ThroughputMode: 'bursting' | 'provisioned' | 'elastic';
    ProvisionedThroughputInMibps?: number;
  }): Promise<FileSystemDescription>;
};

/** One CloudWatch metric to read, named by the recording format's Id. */
export type MetricQuery = {
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount';
  /** A label for people; CloudWatch echoes it back. */
  label?: string;
};

/** CloudWatch GetMetricData, paginated by the adapter. */
export type MetricsPort = {
  /**
   * The finest period this source can serve; live CloudWatch serves 60 s
   * (undefined), a recording serves its own period.
   */
  resolutionSeconds?: number;
  getMetricData(request: {
    queries: MetricQuery[];
    start: Date;
    end: Date;
    periodSeconds: number;
  }): Promise<MetricDataResult[]>;
};

/**
 * CloudWatch Logs Insights: runs one query over log groups and answers
 * GetQueryResults' output once the query is Complete. Bounded: past
 * `timeoutMs` the adapter stops the query and throws
 * LogsInsightsTimeoutError; a Failed, Cancelled, Timeout or Unknown query
 * throws too.
 */
export type LogsInsightsPort = {
  query(request: {
    logGroupNames: readonly string[];
    queryString: string;
    start: Date;
    end: Date;
    timeoutMs: number;
  }): Promise<GetQueryResultsOutput>;
};

/** Names of the ClickHouse snapshot queries: the recording's file names. */
export const SNAPSHOT_QUERY_NAMES = [
  'merges',
  'parts',
  'events',
  'metrics',
  'asynchronous_metrics',
  'merge_tree_settings',
  'part_log',
  'replication_queue',
  'mutations',
  'disks',
  'part_log_tables',
  'replicas',
  'keeper',
] as const;
export type SnapshotQueryName = (typeof SNAPSHOT_QUERY_NAMES)[number];

/**
 * Queries asked of each replica of a cluster only: its replicated tables
 * (system.replicas) and its Keeper session (system.zookeeper_connection,
 * which does not exist on a server without ZooKeeper or Keeper).
 */
export const REPLICA_QUERY_NAMES: ReadonlySet<SnapshotQueryName> = new Set([
  'replicas',
  'keeper',
]);

/**
 * Queries added after the first recordings: a recording without their
 * file was made before them, so they are left out of its snapshot rather
 * than reported as failed.
 */
export const LATER_QUERY_NAMES: ReadonlySet<SnapshotQueryName> = new Set([
  'part_log_tables',
  'replicas',
  'keeper',
]);

/** The snapshot queries of one server: a replica's, or a single one's. */
export function snapshotQueryNames(replica: boolean): SnapshotQueryName[] {
  return SNAPSHOT_QUERY_NAMES.filter(
    (name) => replica || !REPLICA_QUERY_NAMES.has(name),
  );
}

/** One replica of a cluster and the port that reads it. */
export type ClickHouseReplica = { name: string; port: ClickHousePort };

export type SnapshotQueryResult =
  | { ok: true; rows: Record<string, unknown>[] }
  | { ok: false; reason: string };

export type ClickHouseSnapshot = {
  elapsedMs: number;
  results: Partial<Record<SnapshotQueryName, SnapshotQueryResult>>;
};

/**
 * ClickHouse's own system tables, read-only and bounded. Throws
 * SourceUnavailableError when the server cannot be reached at all.
 */
export type ClickHousePort = {
  snapshot(window: { start: Date; end: Date }): Promise<ClickHouseSnapshot>;
  /**
   * Distinct traces and observations of Langfuse's tables whose timestamps
   * fall in the window (`uniqExact(id)`), read-only and bounded. Throws
   * when ClickHouse cannot answer. Absent where a port has no Langfuse
   * tables (a recording).
   */
  countRecords?(window: { start: Date; end: Date }): Promise<RecordCounts>;
  /**
   * The replicas to snapshot one by one, each with the replica queries
   * (configured `clickhouseReplicas`, or discovered from system.clusters
   * through this endpoint). Absent or empty: one endpoint. Throws when
   * discovery cannot read system.clusters.
   */
  replicas?(): Promise<ClickHouseReplica[]>;
};

/**
 * Langfuse's admin ingestion replay (`POST /api/admin/ingestion-replay`,
 * langfuse/langfuse web/src/pages/api/admin/ingestion-replay.ts). Throws
 * LangfuseRateLimitedError (429), LangfuseUnavailableError (5xx, no
 * answer, deadline) or LangfuseRejectedError (400, 401, 403).
 */
export type LangfuseAdminPort = {
  ingestionReplay(
    keys: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReplayAnswer>;
};

/** One object of a ListObjectsV2 page, as the recovery reads it. */
export type ListedObject = { key: string; lastModified: string };

/** Listing Langfuse's events bucket (ListObjectsV2, paginated). */
export type EventsListingPort = {
  /**
   * The common prefixes one level under `prefix` (ListObjectsV2 with
   * Delimiter `/`, every page): the project ids' folders.
   */
  listPrefixes(input: { bucket: string; prefix: string }): Promise<string[]>;
};

/** Writes what a recovery leaves behind to burstguard's own bucket. */
export type RecoveryArtifactsPort = {
  /**
   * Writes lines (failed keys, or why keys were skipped), one per line,
   * under `key`; answers where they went (`s3://bucket/key`).
   */
  writeLines(input: {
    bucket: string;
    key: string;
    lines: readonly string[];
  }): Promise<string>;
};

/**
 * Step Functions' callback: SendTaskSuccess with a JSON output, which
 * answers a step waiting on `.waitForTaskToken`.
 */
export type TaskCallbackPort = {
  sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void>;
};

/** A run's counters of one phase, with when the first batch was added. */
export type RecoveryTally = {
  counters: RecoveryCounters;
  /** When the first batch of the phase was added (ISO 8601). */
  startedAt?: string;
  /** When the last batch of the phase was added (ISO 8601). */
  lastAt?: string;
  /** The first reason a key was skipped or failed, as an example. */
  note?: string;
};

/** A run's progress message and what it is about. */
export type RecoveryMessageRef = {
  channel: string;
  ts: string;
  fileSystemId: string;
  window: RecoveryWindow;
};

/**
 * What a recovery run remembers between its steps: counters per phase
 * (added atomically by concurrent batches), its one progress message, and
 * the offer's task token.
 */
export type RecoveryStore = {
  /** Adds one batch's counts to the phase's and answers the sums after. */
  addRecoveryCounts(input: {
    runId: string;
    phase: RecoveryPhase;
    add: RecoveryCounters;
    at: string;
    /** Kept only when the phase has no note yet. */
    note?: string;
  }): Promise<RecoveryTally>;
  /** The phase's sums so far (zeros when nothing was added). */
  recoveryCounts(input: {
    runId: string;
    phase: RecoveryPhase;
  }): Promise<RecoveryTally>;
  /**
   * Remembers the run's progress message, with what it is about, so a
   * batch can edit it knowing only the run id.
   */
  saveRecoveryMessage(
    input: RecoveryMessageRef & { runId: string },
  ): Promise<void>;
  recoveryMessage(runId: string): Promise<RecoveryMessageRef | undefined>;
  /**
   * Claims the next edit of the progress message: true when no edit was
   * claimed in the `minIntervalMs` before `at` (one conditional write, so
   * of concurrent batches at most one edits per interval).
   */
  claimRecoveryEdit(input: {
    runId: string;
    at: string;
    minIntervalMs: number;
  }): Promise<boolean>;
  /**
   * Marks the run as told to its thread by FinishRecovery (its last
   * step): the execution-status rule then leaves the thread alone when
   * the execution fails after it.
   */
  markRecoveryFinished(input: { runId: string; at: string }): Promise<void>;
  /** When FinishRecovery last told the thread, if it did. */
  recoveryFinishedAt(runId: string): Promise<string | undefined>;
  /** Keeps the offer's task token; the button carries the run id. */
  saveRecoveryToken(input: {
    runId: string;
    taskToken: string;
    at: string;
  }): Promise<void>;
  /** As {@link IncidentStore.claimApprovalToken}, for the offer. */
  claimRecoveryToken(input: {
    runId: string;
    claimId: string;
    at: string;
    leaseUntil: string;
  }): Promise<ApprovalClaim>;
  /** As {@link IncidentStore.settleApprovalToken}, for the offer. */
  settleRecoveryToken(input: {
    runId: string;
    claimId: string;
    outcome: 'consumed' | 'released';
  }): Promise<void>;
};

/** The state of a CloudWatch alarm (DescribeAlarms `StateValue`). */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** CloudWatch DescribeAlarms by name, batched and paginated by the adapter. */
export type AlarmsPort = {
  /**
   * The current state of each named alarm. A name CloudWatch does not
   * return (deleted, renamed, or not a metric alarm) is absent.
   */
  alarmStates(
    alarmNames: readonly string[],
  ): Promise<Record<string, AlarmStateValue>>;
  /**
   * The same, with when each alarm entered its state (DescribeAlarms
   * `StateTransitionedTimestamp`, else `StateUpdatedTimestamp`; absent when
   * CloudWatch gives neither). A port
   * without it (a local double) answers through `alarmStates` alone.
   */
  alarmStatesSince?(
    alarmNames: readonly string[],
  ): Promise<Record<string, { state: AlarmStateValue; since?: string }>>;
};

/**
 * One line: a metric read with its statistic, divided by `divisor`, and,
 * when `perSecond`, by the period in seconds. This is the throughput
 * arithmetic of the EFS console (CloudWatch user guide, "Using metric math"
 * for Amazon EFS): metered MiB/s = (MeteredIOBytes Sum / 1048576) /
 * PERIOD, permitted MiB/s = PermittedThroughput / 1048576.
 */
export type ChartLine = {
  /** A CloudWatch metric Id; also the recording format's Id. */
  metric: MetricQuery;
  /** The line's own Id (a metric math expression Id on AWS). */
  id: string;
  label: string;
  divisor: number;
  perSecond: boolean;
};

/** One incident chart (shared/domain/charts.ts): one image, one unit. */
export type IncidentChart = {
  /** A short name for the file: `throughput` gives `throughput.png`. */
  name: string;
  title: string;
  /** The y axis label, with its unit. */
  unit: string;
  region: string;
  /** The time range drawn (ISO 8601). */
  start: string;
  end: string;
  periodSeconds: number;
  /** The incident window, marked as a band. */
  window: { start: string; end: string };
  /** The band's label; `incident window` when not given. */
  bandLabel?: string;
  lines: ChartLine[];
  /** Flat lines at fixed values, in the chart's unit (a mode's limit). */
  limits?: { label: string; value: number }[];
};

/**
 * Draws one incident chart as a PNG: CloudWatch GetMetricWidgetImage on
 * AWS, the recording's series locally. Throws when the image cannot be
 * made within the adapter's deadline.
 */
export type ChartPort = {
  renderChart(chart: IncidentChart): Promise<Uint8Array>;
};

/** One file to upload into a Slack thread. */
export type SlackFile = {
  filename: string;
  title: string;
  bytes: Uint8Array;
  /** Read out by screen readers. */
  altText?: string;
};

/**
 * An edit of a posted message (Slack Web API `chat.update`): the message is
 * named by `channel` (an id, as chat.postMessage answers it, not a name)
 * and `ts`. Fields left out keep what the message had: Slack retains the
 * previous `blocks` or `attachments` when the call does not include them
 * (docs.slack.dev reference, chat.update arguments).
 */
export type SlackUpdate = {
  channel: string;
  ts: string;
  text: string;
  blocks?: SlackMessage['blocks'];
  attachments?: Record<string, unknown>[];
};

/** Slack chat.postMessage / chat.update. Throws SlackDeliveryError. */
export type SlackPort = {
  postMessage(message: SlackMessage): Promise<{ channel: string; ts: string }>;
  /**
   * Uploads files into a thread, shared as one message (Slack's external
   * upload flow: files.getUploadURLExternal, the bytes, then
   * files.completeUploadExternal). Absent where a port cannot upload.
   * Answers where each file went: Slack's file id, or a local path.
   */
  uploadFiles?(upload: {
    channel: string;
    threadTs: string;
    files: SlackFile[];
  }): Promise<{ files: { id: string; title: string; path?: string }[] }>;
  /**
   * Edits a message already posted. A port without it (a bare double)
   * leaves posted messages as they are.
   */
  updateMessage?(update: SlackUpdate): Promise<{ channel: string; ts: string }>;
};

/**
 * Pages whoever is on call, through a webhook the deployment keeps as a
 * secret. Throws when the page was not taken.
 */
export type PagerPort = {
  page(event: {
    summary: string;
    incidentId: string;
    fileSystemId: string;
    round: number;
    expiresAt: string;
  }): Promise<void>;
};

/** The incident a store holds for a file system, open or resolved. */
export type IncidentRecord = Omit<Incident, 'next'> & {
  status: 'open' | 'resolved';
  /** When an alarm or a manual run last opened or joined the incident. */
  lastTriggerAt: string;
};

/** What a claim of the one change per 24 h found. */
export type ModeChangeClaim =
  | { outcome: 'claimed'; at: string }
  | { outcome: 'own'; at: string }
  | { outcome: 'held'; at: string; incidentId?: string };

/** One open incident per file system, with its Slack thread. */
export type IncidentStore = {
  /**
   * Opens an incident, or joins the one already open for the file system.
   * `alarmName`, when the trigger is an alarm, is remembered among the
   * incident's alarms.
   */
  openOrJoin(input: {
    fileSystemId: string;
    incidentId: string;
    at: string;
    alarmName?: string;
    /**
     * Join only an incident triggered at or after this time. An open
     * incident idle since before it is neither joined nor replaced: the
     * answer is that incident with `next: 'ignored'`, and the caller
     * decides (see {@link IncidentStore.replaceIdle}).
     */
    activeSince?: string;
  }): Promise<Incident>;
  /**
   * Opens a new incident in place of an idle open one, with one
   * conditional write: only while the idle incident is still open with the
   * same id and trigger count. `undefined` when it changed.
   */
  replaceIdle(input: {
    fileSystemId: string;
    idleIncidentId: string;
    idleTriggers: number;
    incidentId: string;
    at: string;
    alarmName?: string;
  }): Promise<Incident | undefined>;
  /**
   * Resolves the incident when no alarm ever joined it (a manual run's
   * incident, at the end of its run): one conditional write on the same
   * id and no alarm names. `next: 'ignored'` when an alarm joined, another
   * run resolved it, or a new incident opened.
   */
  closeUnalarmed(input: {
    fileSystemId: string;
    incidentId: string;
    at: string;
  }): Promise<Incident>;
  /**
   * Resolves the open incident; `next: 'ignored'` when none was open. With
   * `incidentId` and `triggers`, only that incident, and only while no
   * alarm joined it since (its trigger count is unchanged): one
   * conditional write decides between concurrent resolvers.
   */
  resolve(input: {
    fileSystemId: string;
    at: string;
    incidentId?: string;
    triggers?: number;
  }): Promise<Incident>;
  /** The file system's incident as stored, open or resolved. */
  current(fileSystemId: string): Promise<IncidentRecord | undefined>;
  setThread(input: {
    fileSystemId: string;
    incidentId: string;
    channel: string;
    threadTs: string;
  }): Promise<void>;
  /** When burstguard last changed this file system's throughput mode. */
  lastModeChange(fileSystemId: string): Promise<string | undefined>;
  recordModeChange(input: { fileSystemId: string; at: string }): Promise<void>;
  /**
   * Claims the file system's one change per `lockMs` for an incident, before
   * UpdateFileSystem is called: one conditional write, so of two runs racing
   * for the same file system exactly one gets `claimed`. `own` when this
   * incident already holds the claim (a retry of its own Remediate), `held`
   * when another change (or claim) is younger than `lockMs`.
   */
  claimModeChange(input: {
    fileSystemId: string;
    incidentId: string;
    at: string;
    lockMs: number;
  }): Promise<ModeChangeClaim>;
  /**
   * Gives the claim back when EFS refused the call, so the change did not
   * happen: only the claim this incident made at `at` is removed.
   */
  releaseModeChange(input: {
    fileSystemId: string;
    incidentId: string;
    at: string;
  }): Promise<void>;
  /** The last change or claim, with the incident that made it, if known. */
  modeChangeClaim(
    fileSystemId: string,
  ): Promise<{ at: string; incidentId?: string } | undefined>;
  /**
   * Keeps a Step Functions task token for the approval of an incident. A
   * Slack button value holds at most 2,000 characters and a task token can
   * be longer, so the button carries the incident id and the token stays
   * here.
   */
  saveApprovalToken(input: {
    fileSystemId: string;
    incidentId: string;
    taskToken: string;
    at: string;
  }): Promise<void>;
  /**
   * Returns and forgets the token, so an approval is answered only once.
   * Only for an answer given in the same process right after (the local
   * runner); the Slack endpoint claims the token and settles it instead,
   * so a failed SendTaskSuccess does not lose it.
   */
  takeApprovalToken(input: {
    fileSystemId: string;
    incidentId: string;
  }): Promise<
    { incidentId: string; taskToken: string; savedAt: string } | undefined
  >;
  /**
   * Claims the waiting approval's token for one answer, in one conditional
   * write: of two clicks at once, one gets `claimed` and the other `busy`.
   * The claim lasts until `leaseUntil` (ISO 8601), after which a claimer
   * that died before settling no longer blocks the approval.
   */
  claimApprovalToken(input: {
    fileSystemId: string;
    incidentId: string;
    claimId: string;
    at: string;
    leaseUntil: string;
  }): Promise<ApprovalClaim>;
  /**
   * Ends a claim: `consumed` forgets the token (the task was answered, or
   * can never be), `released` keeps it for the next click. A claim that
   * is no longer this claimer's is left alone.
   */
  settleApprovalToken(input: {
    fileSystemId: string;
    incidentId: string;
    claimId: string;
    outcome: 'consumed' | 'released';
  }): Promise<void>;
};

/** What claiming an approval token found. */
export type ApprovalClaim =
  | { kind: 'claimed'; incidentId: string; taskToken: string; savedAt: string }
  /** Another answer holds the token right now. */
  | { kind: 'busy' }
  /** No token waits for this incident: answered, expired, or never saved. */
  | { kind: 'none' };

/**
 * The AWS Price List API's GetProducts (shared/adapters/aws-pricing.ts):
 * one page per call; `PriceList` holds one JSON string per product.
 */
export type PriceListPort = {
  getProducts(request: {
    ServiceCode: string;
    Filters: { Type: 'TERM_MATCH'; Field: string; Value: string }[];
    FormatVersion?: string;
    NextToken?: string;
    MaxResults?: number;
  }): Promise<{
    PriceList?: string[];
    NextToken?: string;
    FormatVersion?: string;
  }>;
};

/**
 * What the weekly advisor keeps between runs, in the incident table under
 * keys of their own: the dated prices read from the Price List API, per
 * Region, and each file system's snooze.
 */
export type AdvisorStore = {
  cachedPrices(
    region: string,
  ): Promise<{ table: PriceTable; readAt: string } | undefined>;
  cachePrices(input: { table: PriceTable; readAt: string }): Promise<void>;
  /** When the file system's advice is snoozed until (ISO 8601), if it is. */
  snoozedUntil(fileSystemId: string): Promise<string | undefined>;
  snooze(input: {
    fileSystemId: string;
    until: string;
    by: string;
    at: string;
  }): Promise<void>;
  /**
   * Queues the advice's Apply for the file system (the Slack endpoint);
   * a later press replaces an earlier one.
   */
  requestApply(
    input: { fileSystemId: string } & AdviceApplyRequest,
  ): Promise<void>;
  /** The queued Apply of a file system, if any. */
  pendingApply(fileSystemId: string): Promise<AdviceApplyRequest | undefined>;
  /** Forgets the queued Apply made at `at`, and only that one. */
  clearApply(input: { fileSystemId: string; at: string }): Promise<void>;
};

/** An Apply pressed on the weekly advice, waiting for its run. */
export type AdviceApplyRequest = {
  mode: 'bursting' | 'provisioned' | 'elastic';
  provisionedMibps?: number;
  /** The Slack user who pressed it. */
  by: string;
  /** When (ISO 8601). */
  at: string;
};
