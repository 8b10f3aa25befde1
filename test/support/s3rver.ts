/**
 * An S3 on loopback: s3rver (npm, 3.7.1) on 127.0.0.1 and a free port, in
 * a Node process of its own (see s3rver-process.mjs), its
 * objects in a temporary directory, reached with the real
 * @aws-sdk/client-s3 client (path-style, s3rver's default S3RVER
 * credentials).
 *
 * s3rver's GET Bucket (list-type=2) caps MaxKeys at 1,000 and answers
 * IsTruncated/NextContinuationToken like S3 (s3rver lib/controllers/
 * bucket.js: `options.maxKeys = Math.min(1000, maxKeys)`), the cap of the
 * ListObjectsV2 API ("Returns some or all (up to 1,000) of the objects in a
 * bucket": Amazon S3 API reference, ListObjectsV2).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

export type LocalS3 = {
  endpoint: string;
  client: S3Client;
  /** Puts `count` small objects named by `keyOf(i)`, 16 requests at a time. */
  putObjects(
    bucket: string,
    count: number,
    keyOf: (i: number) => string,
  ): Promise<void>;
  /** Every key of a bucket (following continuation tokens). */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
};

/** Starts s3rver on 127.0.0.1, port 0, silent, with the given buckets. */
export async function startS3rver(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'burstguard-s3rver-'));
  // s3rver's continuation tokens need OpenSSL's legacy provider (DES): it
  // runs in a Node process of its own started with it.
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      join(import.meta.dirname, 's3rver-process.mjs'),
      directory,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`s3rver exited with code ${code}`)),
    );
    createInterface({ input: child.stdout }).once('line', (line) =>
      resolve((JSON.parse(line) as { port: number }).port),
    );
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    maxAttempts: 1,
  });
  for (const bucket of buckets) {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  return {
    endpoint,
    client,
    async putObjects(bucket, count, keyOf) {
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const i = next++;
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: keyOf(i),
              Body: JSON.stringify({ i }),
            }),
          );
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    },
    async keys(bucket, prefix) {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page: ListObjectsV2CommandOutput = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        out.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async close() {
      client.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
