/**
 * Finding a cluster's replicas and summarizing each. system.clusters is
 * read in chDB configured with a `<remote_servers>` cluster as the Langfuse
 * Helm chart's ClickHouse has one (ClickHouse docs,
 * https://clickhouse.com/docs/operations/system-tables/clusters: a row per
 * host with `host_name` and the native TCP `port`). The replication rows
 * are shaped as the ClickHouse docs describe system.replication_queue and
 * system.replicas (see shared/domain/sources/clickhouse/replicas.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../local/scenarios.ts';
import {
  discoveredReplicaUrl,
  replicasOf,
} from '../../shared/adapters/clickhouse-http.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import { logTablesFinding } from '../../shared/domain/diagnosis/replicas.ts';
import type { ClickHousePort } from '../../shared/domain/ports.ts';
import { CLUSTER_HOSTS_QUERY } from '../../shared/domain/sources/clickhouse/queries.ts';
import {
  keeperState,
  replicaNameOf,
  summarizeReplication,
} from '../../shared/domain/sources/clickhouse/replicas.ts';
import { summarizeSnapshot } from '../../shared/domain/sources/clickhouse/summarize.ts';

const HOSTS = [0, 1, 2].map(
  (i) =>
    `langfuse-clickhouse-shard0-${i}.langfuse-clickhouse-headless.langfuse.svc.cluster.local`,
);

describe('replica discovery', () => {
  it('reads the hosts of the named cluster from system.clusters', () => {
    // Prepare: a cluster `default` of three replicas, and another one.
    const dir = mkdtempSync(join(tmpdir(), 'burstguard-clusters-'));
    const config = join(dir, 'config.xml');
    const replica = (host: string) =>
      `<replica><host>${host}</host><port>9000</port></replica>`;
    writeFileSync(
      config,
      `<clickhouse><remote_servers><default><shard>${HOSTS.map(replica).join('')}</shard></default><other><shard>${replica('elsewhere')}</shard></other></remote_servers></clickhouse>\n`,
    );
    const session = new Session(undefined, {
      connectionArgs: [`--config-file=${config}`],
    });
    try {
      // Act
      const rows = session
        .queryBind(CLUSTER_HOSTS_QUERY, { cluster: 'default' }, 'JSONEachRow')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).host_name);

      // Assess
      expect(rows).toEqual(HOSTS);
    } finally {
      session.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reaches each discovered host on the endpoint scheme and HTTP port', async () => {
    // Prepare
    const fs = parseConfig({
      fileSystems: [
        {
          fileSystemId: 'fs-0123456789abcdef0',
          // The Service in the same namespace as the replicas' pods.
          clickhouseUrl:
            'https://langfuse-clickhouse.langfuse.svc.cluster.local:8443',
          clickhouseDiscoverReplicas: true,
        },
      ],
    }).fileSystems[0];
    const asked: string[] = [];
    const connected: string[] = [];
    const list = replicasOf(
      fs as NonNullable<typeof fs>,
      {
        async clusterHosts(cluster) {
          asked.push(cluster);
          return HOSTS;
        },
      },
      (url) => {
        connected.push(url);
        return {} as ClickHousePort;
      },
    );

    // Act
    const replicas = await list?.();
    await list?.();

    // Assess: Langfuse's cluster name by default; ports made once each.
    expect(asked).toEqual(['default', 'default']);
    expect(replicas?.map((r) => r.name)).toEqual([
      'langfuse-clickhouse-shard0-0',
      'langfuse-clickhouse-shard0-1',
      'langfuse-clickhouse-shard0-2',
    ]);
    expect(connected).toEqual(HOSTS.map((h) => `https://${h}:8443`));
  });

  it('sends the password only over https and only into the endpoint domain', () => {
    // Prepare
    const base = (url: string) => new URL(url);
    const inside =
      'langfuse-clickhouse-shard0-0.langfuse-clickhouse-headless.langfuse.svc.cluster.local';

    // Act / Assess
    expect(
      discoveredReplicaUrl(
        base('https://langfuse-clickhouse.langfuse.svc.cluster.local:8443'),
        inside,
      ),
    ).toBe(`https://${inside}:8443`);
    expect(() =>
      discoveredReplicaUrl(
        base('https://langfuse-clickhouse.langfuse.svc.cluster.local:8443'),
        'attacker.example.com',
      ),
    ).toThrow(
      /outside the domain of clickhouseUrl \(langfuse\.svc\.cluster\.local\)/,
    );
    expect(() =>
      discoveredReplicaUrl(
        base('https://langfuse-clickhouse.langfuse.svc.cluster.local:8443'),
        'evil/langfuse.svc.cluster.local',
      ),
    ).toThrow(/not sending it the password/);
    expect(() =>
      discoveredReplicaUrl(
        base('http://langfuse-clickhouse.langfuse.svc.cluster.local:8123'),
        inside,
      ),
    ).toThrow(/only over https, not http:/);
  });

  it('names each discovered replica by its host name first label', async () => {
    // Prepare
    const fs = parseConfig({
      fileSystems: [
        {
          fileSystemId: 'fs-0123456789abcdef0',
          clickhouseUrl: 'https://clickhouse.langfuse.internal:8443',
          clickhouseDiscoverReplicas: true,
        },
      ],
    }).fileSystems[0];
    const list = replicasOf(
      fs as NonNullable<typeof fs>,
      {
        async clusterHosts() {
          return ['ch-0.langfuse.internal', 'ch-1.langfuse.internal'];
        },
      },
      () => ({}) as ClickHousePort,
    );

    // Act
    const names = (await list?.())?.map((r) => r.name);

    // Assess
    expect(names).toEqual(['ch-0', 'ch-1']);
  });

  it('names a replica by its first DNS label, or host and port for an IP', () => {
    expect(replicaNameOf(`https://${HOSTS[1]}:8443`)).toBe(
      'langfuse-clickhouse-shard0-1',
    );
    expect(replicaNameOf('https://10.0.3.17:8443')).toBe('10.0.3.17:8443');
  });
});

describe('the configuration of replicas', () => {
  const base = {
    fileSystemId: 'fs-0123456789abcdef0',
    clickhouseUrl: 'https://clickhouse.internal.example:8443',
  };

  it('refuses replicas without the endpoint, both ways at once, or plain http', () => {
    expect(() =>
      parseConfig({
        fileSystems: [
          {
            fileSystemId: base.fileSystemId,
            clickhouseReplicas: ['https://a.example:8443'],
          },
        ],
      }),
    ).toThrow(/clickhouseReplicas: needs clickhouseUrl too/);
    expect(() =>
      parseConfig({
        fileSystems: [
          {
            ...base,
            clickhouseReplicas: ['https://a.example:8443'],
            clickhouseDiscoverReplicas: true,
          },
        ],
      }),
    ).toThrow(/set either clickhouseReplicas or clickhouseDiscoverReplicas/);
    expect(() =>
      parseConfig({
        fileSystems: [
          { ...base, clickhouseReplicas: ['http://a.example:8123'] },
        ],
      }),
    ).toThrow(/clickhouseReplicas\.0: must be https/);
    expect(() =>
      parseConfig({
        fileSystems: [
          { ...base, clickhouseReplicas: ['https://u:p@a.example:8443'] },
        ],
      }),
    ).toThrow(/must carry no credentials/);
  });
});

describe('a replica of the eks-replicas scenario', () => {
  const recording = simulateScenario('eks-replicas', {
    end: new Date('2026-11-23T03:12:00Z'),
  });
  const end = new Date(recording.meta.end);
  const snapshotOf = (index: number) => {
    const results = recording.clickhouse.replicas?.[index]?.results ?? {};
    return {
      elapsedMs: 0,
      results: Object.fromEntries(
        Object.entries(results).map(([k, rows]) => [k, { ok: true, rows }]),
      ),
    } as Parameters<typeof summarizeReplication>[0];
  };

  it('gives the queue, its oldest entry and its worst error', () => {
    // Act
    const replication = summarizeReplication(snapshotOf(2), end);

    // Assess: 42 entries, the oldest queued 19 minutes before the end.
    expect(replication).toMatchObject({
      queueEntries: 42,
      oldestEntryAgeSeconds: 19 * 60,
      replicatedTables: 3,
      queueSize: 42,
      insertsInQueue: 28,
      mergesInQueue: 14,
      readonlyTables: 0,
      worstEntry: {
        table: 'default.observations',
        type: 'GET_PART',
        numTries: 160,
      },
    });
    expect(replication?.worstEntry?.lastException).toMatch(/SOCKET_TIMEOUT/);
    expect(replication?.stuckEntries).toBe(1);
    expect(keeperState(snapshotOf(2))).toEqual({ state: 'connected' });
  });

  it('reads an expired Keeper session and a missing connections table', () => {
    const expired = {
      elapsedMs: 0,
      results: { keeper: { ok: true as const, rows: [{ is_expired: 1 }] } },
    };
    const missing = {
      elapsedMs: 0,
      results: {
        keeper: {
          ok: false as const,
          reason: 'system.zookeeper_connection does not exist on this server',
        },
      },
    };
    expect(keeperState(expired)).toEqual({ state: 'expired' });
    expect(keeperState(missing)).toEqual({ state: 'not-configured' });
  });

  it('names the log tables when they write a third of the bytes', () => {
    // Act
    const window = {
      start: new Date(recording.meta.start),
      end,
    };
    const { summary } = summarizeSnapshot(snapshotOf(0), window);

    // Assess: 66 of 202 KiB/s written are system.*_log tables.
    expect(summary.logTables?.sharePercent).toBeCloseTo((66 / 202) * 100, 0);
    expect(summary.logTables?.tables[0]?.table).toBe('system.trace_log');
    const line = logTablesFinding({
      source: 'clickhouse',
      available: true,
      elapsedMs: 0,
      queries: {},
      summary,
    });
    expect(line).toMatch(/^ClickHouse's own log tables wrote 33% of/);
    expect(line).toContain('enable_clickhouse_log_tables = false');
  });

  it('says nothing of log tables under the threshold', () => {
    const window = { start: new Date(recording.meta.start), end };
    const snapshot = snapshotOf(0);
    const rows = (
      snapshot.results.part_log_tables as { rows: Record<string, unknown>[] }
    ).rows.map((r) =>
      r.database === 'system' ? { ...r, bytes: String(1024) } : r,
    );
    const { summary } = summarizeSnapshot(
      { elapsedMs: 0, results: { part_log_tables: { ok: true, rows } } },
      window,
    );
    expect(summary.logTables?.sharePercent).toBeLessThan(1);
    expect(
      logTablesFinding({
        source: 'clickhouse',
        available: true,
        elapsedMs: 0,
        queries: {},
        summary,
      }),
    ).toBeNull();
  });
});
