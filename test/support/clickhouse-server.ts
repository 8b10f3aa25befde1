/**
 * Debian's clickhouse-server (18.16: old, used for transport behaviour
 * only) on free loopback ports, with its own config and data directory, a
 * read-only user with a password, and HTTPS with a self-signed certificate.
 * CI installs the package (.ci/run); a missing binary fails the tests with
 * a clear message instead of skipping them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type ClickHouseTestServer = {
  httpUrl: string;
  httpsUrl: string;
  /** The self-signed certificate the HTTPS port presents. */
  caCertPem: string;
  /** A user with the readonly=2 profile docs/clickhouse.md recommends. */
  user: string;
  password: string;
  /** A user that may write, for preparing and for the readonly checks. */
  adminUser: string;
  adminPassword: string;
  stop(): Promise<void>;
};

/**
 * A self-signed P-256 certificate for 127.0.0.1 and localhost, valid until
 * 2126; test-only, it guards nothing.
 */
const TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBqDCCAU2gAwIBAgIUEgRN3xGK72rBjLSnHXzd1E2x59owCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPYnVyc3RndWFyZC10ZXN0MCAXDTI2MTEyMzIzMzM1OVoYDzIx
MjYxMDMwMjMzMzU5WjAaMRgwFgYDVQQDDA9idXJzdGd1YXJkLXRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATqe8DO1F2EzNb3AGXC+Hd6E0nCRs8YD8DicnB2
tNUc3ioqpTctIWaiH5gC2YATVWK9ysorIDZJbA/svrOrV4Rko28wbTAdBgNVHQ4E
FgQUeWitnq7fAebfDDJqgY9q1AW3QicwHwYDVR0jBBgwFoAUeWitnq7fAebfDDJq
gY9q1AW3QicwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2Nh
bGhvc3QwCgYIKoZIzj0EAwIDSQAwRgIhAP5RV/mzDMhQQn940WV6o+pJoWidNOiP
O1oJlDTrz43OAiEAllq2FnwecfJU0SmELpdq8LGHSwviY530BUY8trceMqE=
-----END CERTIFICATE-----
`;
const TEST_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMSWV5UHC0LWIlxTQ
8BfuzUeAOsGrYfSYLXUEsLA17CehRANCAATqe8DO1F2EzNb3AGXC+Hd6E0nCRs8Y
D8DicnB2tNUc3ioqpTctIWaiH5gC2YATVWK9ysorIDZJbA/svrOrV4Rk
-----END PRIVATE KEY-----
`;

const STARTUP_TIMEOUT_MS = 30_000;

/** Where Debian puts the binary (/usr/sbin is not on every user's PATH). */
export function findClickHouseServer(): string {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
  ];
  for (const dir of dirs) {
    const candidate = join(dir, 'clickhouse-server');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    'clickhouse-server not found (looked in PATH, /usr/sbin, /usr/bin): ' +
      'install it with `apt-get update && apt-get install -y ' +
      'clickhouse-server`, as .ci/run does',
  );
}

/** A loopback port nothing listens on at this moment. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') {
    throw new Error('no free loopback port');
  }
  return address.port;
}

/**
 * A loopback server that accepts connections and never answers: a
 * ClickHouse too busy to reply. Close it with `close()`.
 */
export async function startSilentServer(): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') {
    throw new Error('silent server has no port');
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A server that answers 200 with JSONEachRow headers, then sends one
 * whitespace byte every `everyMs` and never ends the body: no socket is
 * ever idle for long, so an inactivity timeout alone never fires.
 */
export async function startTricklingServer(everyMs = 200): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createHttpServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=UTF-8',
      'x-clickhouse-format': 'JSONEachRow',
    });
    const timer = setInterval(() => response.write(' '), everyMs);
    timers.add(timer);
    response.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * system.part_log, as production servers keep it (langfuse-terraform-aws
 * turns other log tables off and keeps query_log, part_log and error_log):
 * ClickHouse server settings, "part_log".
 */
const PART_LOG_XML = `
  <part_log>
    <database>system</database>
    <table>part_log</table>
    <flush_interval_milliseconds>1000</flush_interval_milliseconds>
  </part_log>`;

function configXml(
  dir: string,
  httpPort: number,
  httpsPort: number,
  options: { partLog?: boolean } = {},
) {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/server.log</log>
    <errorlog>${dir}/log/server.err.log</errorlog>
    <console>0</console>
  </logger>
  <http_port>${httpPort}</http_port>
  <https_port>${httpsPort}</https_port>
  <listen_host>127.0.0.1</listen_host>
  <openSSL>
    <server>
      <certificateFile>${dir}/server.crt</certificateFile>
      <privateKeyFile>${dir}/server.key</privateKeyFile>
      <verificationMode>none</verificationMode>
      <loadDefaultCAFile>false</loadDefaultCAFile>
      <cacheSessions>true</cacheSessions>
      <disableProtocols>sslv2,sslv3</disableProtocols>
      <preferServerCiphers>true</preferServerCiphers>
    </server>
  </openSSL>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>${options.partLog ? PART_LOG_XML : ''}
</yandex>
`;
}

function usersXml(user: string, password: string, adminPassword: string) {
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default></default>
    <snapshot>
      <readonly>2</readonly>
      <max_execution_time>10</max_execution_time>
    </snapshot>
  </profiles>
  <users>
    <default>
      <password>${adminPassword}</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    <${user}>
      <password>${password}</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>snapshot</profile>
      <quota>default</quota>
    </${user}>
  </users>
  <quotas><default></default></quotas>
</yandex>
`;
}

async function waitForPing(
  url: string,
  child: ChildProcess,
  exited: () => string | null,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit !== null) throw new Error(`clickhouse-server exited: ${exit}`);
    try {
      const response = await fetch(`${url}/ping`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(
    `clickhouse-server did not answer ${url}/ping within ${STARTUP_TIMEOUT_MS / 1000} s`,
  );
}

/**
 * Starts a private clickhouse-server; call `stop()` in afterAll. With
 * `partLog`, the server keeps system.part_log.
 */
export async function startClickHouseServer(
  options: { partLog?: boolean } = {},
): Promise<ClickHouseTestServer> {
  const binary = findClickHouseServer();
  const dir = await mkdtemp(join(tmpdir(), 'burstguard-clickhouse-'));
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const user = 'burstguard';
  const password = 'bg-test-Pa55word';
  const adminPassword = 'bg-admin-Pa55word';
  for (const sub of ['log', 'data', 'tmp', 'user_files']) {
    await mkdir(join(dir, sub));
  }
  await writeFile(join(dir, 'server.crt'), TEST_CERT_PEM);
  await writeFile(join(dir, 'server.key'), TEST_KEY_PEM, { mode: 0o600 });
  await writeFile(
    join(dir, 'config.xml'),
    configXml(dir, httpPort, httpsPort, options),
  );
  await writeFile(
    join(dir, 'users.xml'),
    usersXml(user, password, adminPassword),
  );

  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exit: string | null = null;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const done = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = `code ${code ?? '-'} signal ${signal ?? '-'}: ${stderr.trim()}`;
      resolve();
    });
    child.on('error', (error) => {
      exit = error.message;
      resolve();
    });
  });

  const stop = async () => {
    if (exit === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(killed);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForPing(httpUrl, child, () => exit);
  } catch (error) {
    const log = await readFile(join(dir, 'log', 'server.err.log'), 'utf8')
      .then((text) => text.slice(-1000))
      .catch(() => '');
    await stop();
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    httpUrl,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    caCertPem: TEST_CERT_PEM,
    user,
    password,
    adminUser: 'default',
    adminPassword,
    stop,
  };
}
