/**
 * ClickHousePort over @clickhouse/client (HTTP or HTTPS): the snapshot
 * queries in parallel, read-only and bounded, with a client timeout well
 * under the 30 s Task timeout. A query that fails is reported alone; a
 * server that cannot be used at all (refused, wrong password, every query
 * timed out) becomes one SourceUnavailableError line.
 */

import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client';
import type { AppConfig } from '../domain/config.ts';
import {
  type ClickHouseSecrets,
  clickhouseLogins,
  pemCertificate,
} from '../domain/credentials.ts';
import {
  ConfigurationError,
  SourceUnavailableError,
} from '../domain/errors.ts';
import {
  type ClickHousePort,
  type ClickHouseReplica,
  type ClickHouseSnapshot,
  SNAPSHOT_QUERY_NAMES,
  snapshotQueryNames,
} from '../domain/ports.ts';
import { redactSecret } from '../domain/redact.ts';
import {
  CLUSTER_HOSTS_QUERY,
  MAX_REPLICAS,
  SNAPSHOT_QUERIES,
  snapshotSettings,
  WINDOWED_QUERIES,
  windowParams,
} from '../domain/sources/clickhouse/queries.ts';
import {
  describeClickHouseError,
  type FailureKind,
  formatSeconds,
} from '../domain/sources/clickhouse/reasons.ts';
import {
  parseRecordCounts,
  RECORD_COUNTS_QUERY,
  recordCountParams,
} from '../domain/sources/clickhouse/record-counts.ts';
import { replicaNameOf } from '../domain/sources/clickhouse/replicas.ts';

export type ClickHouseHttpOptions = {
  /** `http://host:8123` or `https://host:8443`; no credentials in it. */
  url: string;
  username: string;
  password?: string;
  database?: string;
  /** Per request; keep it under the 30 s Task timeout. */
  timeoutMs: number;
  /** PEM of a private CA for an https URL; public CAs need nothing. */
  caCertPem?: string;
  /** A prepared client (tests); url, credentials and TLS are then unused. */
  client?: ClickHouseClient;
  /** A replica of a cluster: its snapshot adds the replica queries. */
  replica?: boolean;
};

/**
 * Time past `timeoutMs` after which the whole snapshot is aborted.
 * @clickhouse/client's `request_timeout` is an inactivity timeout (the
 * request's `timeout` and `socket.setTimeout` in its
 * connection/socket_pool.js, "Timeout error."): a server that keeps
 * sending a byte now and then never trips it. The AbortSignal is a hard
 * deadline for every query, its body included; the grace lets the
 * client's own timeout name a silent server first.
 */
export const CLICKHOUSE_DEADLINE_GRACE_MS = 500;

/** The promise, or a rejection when the signal aborts first. */
function beforeDeadline<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onAbort: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    if (signal.aborted) {
      abort();
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** The URL without credentials, for messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.origin;
  } catch {
    return 'the configured URL';
  }
}

/**
 * A port that reads ClickHouse's system tables over HTTP(S). The client is
 * created once and kept, so a warm Lambda reuses its sockets; the password
 * goes in the Authorization header and never into a log or a reason.
 */
export function createClickHouseHttpPort(
  options: ClickHouseHttpOptions,
): ClickHousePort & {
  close(): Promise<void>;
  clusterHosts(cluster: string): Promise<string[]>;
} {
  if (!(options.timeoutMs > 0)) {
    throw new RangeError('timeoutMs must be a positive number');
  }
  const client =
    options.client ??
    createClient({
      url: options.url,
      username: options.username,
      password: options.password ?? '',
      database: options.database ?? 'default',
      request_timeout: options.timeoutMs,
      application: 'burstguard',
      // Ten queries at once: one socket each, no queueing behind another.
      max_open_connections: SNAPSHOT_QUERY_NAMES.length,
      // The client logs failed requests itself, with their settings; the
      // port reports them as reasons instead, once.
      log: { level: ClickHouseLogLevel.OFF },
      ...(options.caCertPem
        ? { tls: { ca_cert: Buffer.from(options.caCertPem) } }
        : {}),
    });
  const settings = snapshotSettings(options.timeoutMs);
  const names = snapshotQueryNames(options.replica === true);

  return {
    async close() {
      await client.close();
    },
    async clusterHosts(cluster) {
      const deadline = AbortSignal.timeout(
        options.timeoutMs + CLICKHOUSE_DEADLINE_GRACE_MS,
      );
      try {
        const result = await client.query({
          query: CLUSTER_HOSTS_QUERY,
          format: 'JSONEachRow',
          clickhouse_settings: settings as ClickHouseSettings,
          abort_signal: deadline,
          query_params: { cluster },
        });
        const rows = await beforeDeadline(
          result.json<Record<string, unknown>>(),
          deadline,
          () => result.close(),
        );
        return rows
          .map((row) => String(row.host_name ?? ''))
          .filter((host) => host !== '')
          .slice(0, MAX_REPLICAS);
      } catch (error) {
        const reason = describeClickHouseError(error, {
          timeoutMs: options.timeoutMs,
          ...(options.password ? { secret: options.password } : {}),
        }).reason;
        throw new SourceUnavailableError(
          `replicas not discovered: ${redactSecret(reason, options.password)}`,
        );
      }
    },
    async countRecords(window) {
      const params = recordCountParams(window);
      const deadlineMs = options.timeoutMs + CLICKHOUSE_DEADLINE_GRACE_MS;
      const deadline = AbortSignal.timeout(deadlineMs);
      try {
        const result = await client.query({
          query: RECORD_COUNTS_QUERY,
          format: 'JSONEachRow',
          clickhouse_settings: settings as ClickHouseSettings,
          abort_signal: deadline,
          query_params: params,
        });
        return parseRecordCounts(
          await beforeDeadline(
            result.json<Record<string, unknown>>(),
            deadline,
            () => result.close(),
          ),
        );
      } catch (error) {
        const reason = deadline.aborted
          ? `no complete answer within ${formatSeconds(deadlineMs)}`
          : describeClickHouseError(error, {
              timeoutMs: options.timeoutMs,
              ...(options.password ? { secret: options.password } : {}),
            }).reason;
        throw new SourceUnavailableError(
          `records not counted: ${redactSecret(reason, options.password)}`,
        );
      }
    },
    async snapshot(window) {
      const started = performance.now();
      const deadlineMs = options.timeoutMs + CLICKHOUSE_DEADLINE_GRACE_MS;
      const deadline = AbortSignal.timeout(deadlineMs);
      const results: ClickHouseSnapshot['results'] = {};
      const failures: { kind: FailureKind; reason: string }[] = [];
      await Promise.all(
        names.map(async (name) => {
          try {
            const result = await client.query({
              query: SNAPSHOT_QUERIES[name],
              format: 'JSONEachRow',
              clickhouse_settings: settings as ClickHouseSettings,
              abort_signal: deadline,
              ...(WINDOWED_QUERIES.has(name)
                ? { query_params: windowParams(window) }
                : {}),
            });
            // The client lets go of abort_signal once the headers are in
            // (node_base_connection.js, `controllerCleanup` in `finally`):
            // the body is raced against the deadline here, and its stream
            // closed when the deadline passes.
            results[name] = {
              ok: true,
              rows: await beforeDeadline(
                result.json<Record<string, unknown>>(),
                deadline,
                () => result.close(),
              ),
            };
          } catch (error) {
            // The password is redacted before the reason is shortened.
            const failure: { kind: FailureKind; reason: string } =
              deadline.aborted
                ? {
                    kind: 'timeout',
                    reason: `no complete answer within ${formatSeconds(deadlineMs)}`,
                  }
                : describeClickHouseError(error, {
                    timeoutMs: options.timeoutMs,
                    ...(options.password ? { secret: options.password } : {}),
                  });
            const reason = redactSecret(failure.reason, options.password);
            failures.push({ kind: failure.kind, reason });
            results[name] = { ok: false, reason };
          }
        }),
      );
      const elapsedMs = Math.round(performance.now() - started);
      if (failures.length === names.length) {
        const fatal = wholeServerFailure(failures, {
          ...options,
          elapsedMs,
        });
        if (fatal) throw new SourceUnavailableError(fatal);
      }
      return { elapsedMs, results };
    },
  };
}

/**
 * When every query failed, one line that says the server cannot be used,
 * or null when each failed for a reason of its own (then the snapshot goes
 * back with every reason, and the step says no query answered).
 */
function wholeServerFailure(
  failures: { kind: FailureKind; reason: string }[],
  context: ClickHouseHttpOptions & { elapsedMs: number },
): string | null {
  if (failures.some((f) => f.kind === 'auth')) {
    return `authentication failed for user ${context.username}`;
  }
  if (!failures.every((f) => f.kind === 'connection' || f.kind === 'timeout')) {
    return null;
  }
  const connection = failures.find((f) => f.kind === 'connection');
  if (connection) {
    return `unreachable after ${formatSeconds(context.elapsedMs)}: ${connection.reason}`;
  }
  return `unreachable after ${formatSeconds(context.timeoutMs)}: no query answered at ${safeUrl(context.url)}`;
}

/**
 * The private CA from the `ClickHouseCaCertificate` secret: blank means the
 * system's public CAs (undefined), anything else must hold a PEM
 * certificate. @clickhouse/client hands it to Node's TLS as `ca`
 * (`connection/node_https_connection.ts`: `ca: params.tls?.ca_cert`).
 */
export function caCertificateFromSecret(value: string): string | undefined {
  return pemCertificate(value, 'ClickHouseCaCertificate');
}

/**
 * One port per file system that names a ClickHouse URL, logged in with its
 * entry of the `ClickHouseCredentials` secret, or the per-stage password
 * and CA (shared/domain/credentials.ts).
 */
export function clickhousePortsFromConfig(
  config: AppConfig,
  secrets: ClickHouseSecrets,
): Map<string, ClickHousePort & { close(): Promise<void> }> {
  const logins = clickhouseLogins(config, secrets);
  const ports = new Map<string, ClickHousePort & { close(): Promise<void> }>();
  for (const fs of config.fileSystems) {
    const login = logins.get(fs.fileSystemId);
    if (!fs.clickhouseUrl || !login) continue;
    const connect = (url: string, replica: boolean) =>
      createClickHouseHttpPort({
        url,
        username: login.username,
        password: login.password,
        timeoutMs: config.clickhouseTimeoutMs,
        replica,
        ...(login.caCertPem ? { caCertPem: login.caCertPem } : {}),
      });
    const endpoint = connect(fs.clickhouseUrl, false);
    const replicas = replicasOf(fs, endpoint, (url) => connect(url, true));
    ports.set(fs.fileSystemId, {
      snapshot: endpoint.snapshot,
      countRecords: endpoint.countRecords,
      close: endpoint.close,
      ...(replicas ? { replicas } : {}),
    });
  }
  return ports;
}

/** The default cluster name of Langfuse's CLICKHOUSE_CLUSTER_NAME. */
export const LANGFUSE_CLUSTER = 'default';

/**
 * How a file system's replicas are listed: its `clickhouseReplicas`, or
 * the hosts of system.clusters read through the endpoint, each reached on
 * the endpoint's scheme and HTTP port. Each replica's port is created once
 * and kept, as the endpoint's is.
 */
export function replicasOf(
  fs: AppConfig['fileSystems'][number],
  endpoint: { clusterHosts(cluster: string): Promise<string[]> },
  connect: (url: string) => ClickHousePort,
): (() => Promise<ClickHouseReplica[]>) | undefined {
  const made = new Map<string, ClickHousePort>();
  const portFor = (url: string) => {
    let port = made.get(url);
    if (!port) {
      port = connect(url);
      made.set(url, port);
    }
    return port;
  };
  if (fs.clickhouseReplicas) {
    const urls = fs.clickhouseReplicas;
    return async () =>
      urls.map((url) => ({ name: replicaNameOf(url), port: portFor(url) }));
  }
  if (fs.clickhouseDiscoverReplicas && fs.clickhouseUrl) {
    const base = new URL(fs.clickhouseUrl);
    return async () => {
      const hosts = await endpoint.clusterHosts(
        fs.clickhouseCluster ?? LANGFUSE_CLUSTER,
      );
      return hosts.map((host) => {
        const url = discoveredReplicaUrl(base, host);
        return { name: replicaNameOf(url), port: portFor(url) };
      });
    };
  }
  return undefined;
}

/**
 * The URL of a replica system.clusters names, on the endpoint's scheme and
 * HTTP port. The ClickHouse password goes to it, so only over https and
 * only to a host in the endpoint's own DNS domain (the part after its
 * first label: `clickhouse.langfuse.svc.cluster.local` admits
 * `*.langfuse.svc.cluster.local`); anything else is refused in one line.
 */
export function discoveredReplicaUrl(base: URL, host: string): string {
  if (base.protocol !== 'https:') {
    throw new ConfigurationError(
      `clickhouseDiscoverReplicas sends the ClickHouse password to the hosts system.clusters names: only over https, not ${base.protocol} (list the replicas in clickhouseReplicas instead)`,
    );
  }
  const domain = base.hostname.split('.').slice(1).join('.');
  const url = new URL(base.origin);
  url.hostname = host;
  if (
    url.hostname !== host.toLowerCase() ||
    !domain ||
    !url.hostname.endsWith(`.${domain}`)
  ) {
    throw new ConfigurationError(
      `system.clusters names ${host}, outside the domain of clickhouseUrl (${domain || base.hostname}): not sending it the password (list the replicas in clickhouseReplicas instead)`,
    );
  }
  return url.origin;
}
