/**
 * Debian's ZooKeeper (package `zookeeper`, 3.8) started standalone on a
 * free loopback port with its own data directory:
 * `org.apache.zookeeper.server.ZooKeeperServerMain PORT DATADIR`, the
 * class zkServer.sh runs (apache/zookeeper, bin/zkServer.sh). CI installs
 * the package (.ci/run); a missing jar fails the test with a clear message
 * instead of skipping it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JAVA_DIR = '/usr/share/java';
/** The jars the server needs: itself, its wire format, logging, netty. */
const JARS =
  /^(zookeeper(-jute)?|slf4j-api|slf4j-nop|log4j-1\.2|netty-[a-z-]+|commons-cli|commons-io|jline|metrics-core|snappy-java|audience-annotations)(-[\d.]+\w*)?\.jar$/;

export type ZooKeeperTestServer = { port: number; stop(): Promise<void> };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/** Whether the server answers ZooKeeper's `srvr` four-letter command. */
async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('close', () => resolve(text.includes('Zookeeper version')));
    socket.on('error', () => resolve(false));
    // A listener that accepts and never answers must not stall the poll.
    socket.setTimeout(1_000, () => socket.destroy());
  });
}

/** Starts ZooKeeper; throws one clear line when it is not installed. */
export async function startZooKeeper(): Promise<ZooKeeperTestServer> {
  if (!existsSync(join(JAVA_DIR, 'zookeeper.jar'))) {
    throw new Error(
      `ZooKeeper is not installed (${JAVA_DIR}/zookeeper.jar): apt-get install zookeeper, as .ci/run does`,
    );
  }
  const classpath = readdirSync(JAVA_DIR)
    .filter((name) => JARS.test(name))
    .map((name) => join(JAVA_DIR, name))
    .join(':');
  const dir = await mkdtemp(join(tmpdir(), 'burstguard-zk-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      '-cp',
      classpath,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      String(port),
      dir,
    ],
    { stdio: 'ignore' },
  );
  // No `java` on the PATH: one clear line, not an unhandled spawn error.
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  // Wait for the server to answer, polling; a JVM takes a few seconds.
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answers(port)) return { port, stop };
    if (spawnError) {
      await stop();
      throw new Error(
        `ZooKeeper could not start: ${spawnError.message} (it needs java: apt-get install zookeeper brings default-jre)`,
      );
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`ZooKeeper did not start on 127.0.0.1:${port}`);
}
