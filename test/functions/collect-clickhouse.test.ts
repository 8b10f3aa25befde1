/**
 * The deployed ClickHouse collector against a real clickhouse-server over
 * HTTPS whose self-signed certificate plays the private CA. The handler
 * reads its secrets through SST's `Resource`, which takes each linked
 * resource from an `SST_RESOURCE_<name>` JSON variable (sst
 * `dist/resource/shared.js`, `loadResourceEnvironment`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectClickHouse } from '../../functions/collect-clickhouse/core.ts';
import { normalizeTrigger } from '../../functions/normalize/core.ts';
import { openIncident } from '../../functions/open-incident/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  caCertificateFromSecret,
  clickhousePortsFromConfig,
} from '../../shared/adapters/clickhouse-http.ts';
import { type AppConfig, parseConfig } from '../../shared/domain/config.ts';
import { ConfigurationError } from '../../shared/domain/errors.ts';
import { localContext } from '../../shared/runtime/step-handler.ts';
import {
  FS_ID,
  OTHER_FS_ID,
  singleMetricAlarm,
} from '../fixtures/alarm-events.ts';
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

function configFor(url: string): AppConfig {
  return parseConfig({
    region: 'us-east-1',
    clickhouseTimeoutMs: 5_000,
    // The test's clickhouse-server listens on loopback, plain http too.
    allowInsecureClickhouseHttp: true,
    fileSystems: [
      { fileSystemId: FS_ID, clickhouseUrl: url, clickhouseUser: server.user },
    ],
  });
}

/** `ClickHouseCredentials` with FS_ID's entry: the server's user and CA. */
function ownCredentials(): string {
  return JSON.stringify({
    [FS_ID]: {
      clickhouseUser: server.user,
      clickhousePassword: server.password,
      clickhouseCaCert: server.caCertPem,
    },
  });
}

/** The state after OpenIncident, built by the steps that make it. */
async function afterOpen(config: AppConfig) {
  const trigger = normalizeTrigger(singleMetricAlarm(), {
    config,
    now: () => new Date(),
  });
  const incident = await openIncident(
    { trigger, executionName: 'exec-1' } as never,
    { store: createMemoryIncidentStore(), config },
  );
  return { trigger, incident };
}

describe('the ClickHouse collector over TLS', () => {
  it('reads ClickHouse through the handler with the CA secret', async () => {
    // Prepare: the environment deploy gives the function
    const config = configFor(server.httpsUrl);
    process.env.BURSTGUARD_CONFIG = JSON.stringify(config);
    process.env.SST_RESOURCE_ClickHousePassword = JSON.stringify({
      type: 'sst.sst.Secret',
      value: server.password,
    });
    process.env.SST_RESOURCE_ClickHouseCaCertificate = JSON.stringify({
      type: 'sst.sst.Secret',
      value: server.caCertPem,
    });
    // Unset (its empty placeholder): the per-stage secrets above serve
    // every file system, as before there was one per file system.
    process.env.SST_RESOURCE_ClickHouseCredentials = JSON.stringify({
      type: 'sst.sst.Secret',
      value: '',
    });
    const { handler } = await import(
      '../../functions/collect-clickhouse/handler.ts'
    );

    // Act
    const evidence = (await handler(
      await afterOpen(config),
      localContext('collect-clickhouse'),
    )) as { available: boolean; reason?: string };

    // Assess
    expect(evidence.reason).toBeUndefined();
    expect(evidence.available).toBe(true);
  });

  it('stops at cold start on credentials that name an unknown file system', () => {
    // Prepare: what the deployed wiring hands over at module scope
    // (shared/adapters/wiring/clickhouse.ts)
    const config = configFor(server.httpsUrl);
    const secrets = {
      credentials: JSON.stringify({
        [OTHER_FS_ID]: {
          clickhouseUser: server.user,
          clickhousePassword: server.password,
        },
      }),
      password: server.password,
      caCertificate: '',
    };

    // Act / Assess
    expect(() => clickhousePortsFromConfig(config, secrets)).toThrow(
      new ConfigurationError(
        `ClickHouseCredentials ${OTHER_FS_ID}: not a file system of the configuration (fileSystems[].fileSystemId)`,
      ),
    );
  });

  it('logs each file system in with its own credentials', async () => {
    // Prepare: two file systems on one server. The first has its entry in
    // ClickHouseCredentials (whose user wins over the configured one), the
    // second falls back to the per-stage password, here a wrong one.
    const base = configFor(server.httpsUrl);
    const config = parseConfig({
      ...base,
      fileSystems: [
        { ...base.fileSystems[0], clickhouseUser: 'not-this-user' },
        { ...base.fileSystems[0], fileSystemId: OTHER_FS_ID },
      ],
    });
    const ports = clickhousePortsFromConfig(config, {
      credentials: ownCredentials(),
      password: 'stage-default-wrong',
      caCertificate: server.caCertPem,
    });
    const triggerFor = async (fileSystemId: string) => ({
      ...(await afterOpen(config)).trigger,
      fileSystemId,
    });

    // Act
    const [own, fallback] = await Promise.all(
      [FS_ID, OTHER_FS_ID].map(async (id) =>
        collectClickHouse(await triggerFor(id), {
          clickhouseFor: (fs) => ports.get(fs),
        }),
      ),
    );
    await Promise.all([...ports.values()].map((p) => p.close()));

    // Assess
    expect(own).toMatchObject({ available: true });
    expect(fallback).toMatchObject({
      available: false,
      reason: `authentication failed for user ${server.user}`,
    });
  });

  it('uses the file system CA of its entry over the per-stage one', async () => {
    // Prepare: the per-stage CA is empty (system CAs), the entry has the
    // server's own.
    const config = configFor(server.httpsUrl);
    const ports = clickhousePortsFromConfig(config, {
      credentials: ownCredentials(),
      password: '',
      caCertificate: '',
    });

    // Act
    const evidence = await collectClickHouse(
      (await afterOpen(config)).trigger,
      { clickhouseFor: (id) => ports.get(id) },
    );
    await Promise.all([...ports.values()].map((p) => p.close()));

    // Assess
    expect(evidence).toMatchObject({ available: true });
  });

  it('trusts only the system CAs when the secret is empty', async () => {
    // Prepare
    const config = configFor(server.httpsUrl);
    const ports = clickhousePortsFromConfig(config, {
      password: server.password,
      caCertificate: '',
    });

    // Act
    const evidence = await collectClickHouse(
      (await afterOpen(config)).trigger,
      { clickhouseFor: (id) => ports.get(id) },
    );
    await Promise.all([...ports.values()].map((p) => p.close()));

    // Assess
    expect(evidence).toMatchObject({
      available: false,
      reason: expect.stringMatching(/self-signed certificate/),
    });
  });

  it('refuses a CA secret that holds no PEM certificate', () => {
    // Prepare / Act / Assess
    expect(() => caCertificateFromSecret('MIIBqDCCAU2gAwIBAgIU')).toThrow(
      ConfigurationError,
    );
    expect(() => caCertificateFromSecret('MIIBqDCCAU2gAwIBAgIU')).toThrow(
      /^ClickHouseCaCertificate is not a PEM certificate/,
    );
    expect(caCertificateFromSecret('  \n')).toBeUndefined();
  });
});
