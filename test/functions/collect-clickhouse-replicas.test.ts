/**
 * The ClickHouse collector over every replica of a cluster, against a
 * real clickhouse-server (Debian's 18.16) on loopback: one replica that
 * answers and one whose port refuses connections. A replica that does not
 * answer is evidence about that replica, not a failed collector.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectClickHouse } from '../../functions/collect-clickhouse/core.ts';
import { normalizeTrigger } from '../../functions/normalize/core.ts';
import { clickhousePortsFromConfig } from '../../shared/adapters/clickhouse-http.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import { FS_ID, singleMetricAlarm } from '../fixtures/alarm-events.ts';
import {
  type ClickHouseTestServer,
  startClickHouseServer,
} from '../support/clickhouse-server.ts';

let server: ClickHouseTestServer;

beforeAll(async () => {
  server = await startClickHouseServer();
});

afterAll(async () => {
  await server?.stop();
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

describe('the ClickHouse collector over replicas', () => {
  it('reads the replica that answers and names the one that does not', async () => {
    // Prepare: the server twice, once under the name `localhost`, and a
    // replica whose port refuses.
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const answering = server.httpUrl.replace('127.0.0.1', 'localhost');
    const config = parseConfig({
      region: 'us-east-1',
      clickhouseTimeoutMs: 2_000,
      allowInsecureClickhouseHttp: true,
      fileSystems: [
        {
          fileSystemId: FS_ID,
          clickhouseUrl: server.httpUrl,
          clickhouseReplicas: [answering, refused],
          clickhouseUser: server.user,
        },
      ],
    });
    const ports = clickhousePortsFromConfig(config, {
      credentials: '',
      password: server.password,
      caCertificate: '',
    });
    const trigger = normalizeTrigger(singleMetricAlarm(), {
      config,
      now: () => new Date(),
    });

    // Act
    const evidence = await collectClickHouse(trigger, {
      clickhouseFor: (id) => ports.get(id),
    });

    // Assess: the endpoint's own evidence, as for one server, and a
    // replica per configured URL, named by host.
    expect(evidence.available).toBe(true);
    expect(evidence.replicas?.map((r) => r.name)).toEqual([
      'localhost',
      refused.replace('http://', ''),
    ]);
    const [up, down] = evidence.replicas ?? [];
    expect(up).toMatchObject({ available: true });
    expect(up?.summary?.topPartitions).toBeDefined();
    // 18.16 has system.replicas (empty: no replicated table) but no
    // system.zookeeper_connection, which came later.
    expect(up?.replication).toMatchObject({
      queueEntries: 0,
      replicatedTables: 0,
    });
    expect(up?.keeper.state).toBe('not-configured');
    expect(down).toMatchObject({
      available: false,
      replication: null,
      keeper: { state: 'unknown' },
    });
    expect(down?.reason).toMatch(/^unreachable after [\d.]+ s: .*ECONNREFUSED/);
  });

  it('keeps the single-server shape when no replicas are configured', async () => {
    // Prepare
    const config = parseConfig({
      region: 'us-east-1',
      allowInsecureClickhouseHttp: true,
      fileSystems: [
        {
          fileSystemId: FS_ID,
          clickhouseUrl: server.httpUrl,
          clickhouseUser: server.user,
        },
      ],
    });
    const ports = clickhousePortsFromConfig(config, {
      credentials: '',
      password: server.password,
      caCertificate: '',
    });
    const trigger = normalizeTrigger(singleMetricAlarm(), {
      config,
      now: () => new Date(),
    });

    // Act
    const evidence = await collectClickHouse(trigger, {
      clickhouseFor: (id) => ports.get(id),
    });

    // Assess
    expect(evidence.available).toBe(true);
    expect(evidence).not.toHaveProperty('replicas');
    if (evidence.available) {
      expect(Object.keys(evidence.queries)).not.toContain('replicas');
      expect(Object.keys(evidence.queries)).not.toContain('keeper');
    }
  });
});
