/**
 * S3 on loopback, on the wire, for deployed bundles: the recovery's S3
 * server (local/s3-server.ts: s3rver, with its own ListObjectsV2) behind a
 * recording pass-through, so a test sees every request a function made
 * (method, path, query, body) and what the buckets hold afterwards.
 *
 * A deployed function signs with its role's credentials, not s3rver's
 * S3RVER pair: s3rver looks the access key id up in its account registry
 * and answers InvalidAccessKeyId for one it does not know (s3rver 3.7.1
 * lib/middleware/authentication.js; lib/models/account.js `createKeyPair`),
 * so the function's key pair is registered with s3rver's dummy account.
 * s3rver does not check SigV4 signatures ("Signature version 4
 * calculation is unimplemented", same file), so the pass-through may
 * change the Host header.
 */

import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type LocalS3, startS3Server } from '../../local/s3-server.ts';

export type S3WireCall = {
  method: string;
  /** The path, `/{bucket}` or `/{bucket}/{key}` (path style), decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
};

export type S3Wire = {
  /** For AWS_ENDPOINT_URL_S3: the recording pass-through. */
  endpoint: string;
  /** The server itself, for the test's own puts and reads. */
  server: LocalS3;
  /** Every request that reached the server through `endpoint`, in order. */
  calls: S3WireCall[];
  /** A bucket's objects: key -> body text. */
  objects(bucket: string): Promise<Record<string, string>>;
  close(): Promise<void>;
};

type AccountModule = {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
};

/** Starts the server with `buckets`, accepting `credentials` too. */
export async function startS3Wire(options: {
  buckets: readonly string[];
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<S3Wire> {
  const server = await startS3Server({ buckets: options.buckets });
  const account = createRequire(import.meta.url)(
    's3rver/lib/models/account.js',
  ) as AccountModule;
  account.DUMMY_ACCOUNT.createKeyPair(
    options.credentials.accessKeyId,
    options.credentials.secretAccessKey,
  );
  const upstream = new URL(server.endpoint);
  const calls: S3WireCall[] = [];
  const proxy = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    calls.push({
      method: request.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: request.headers,
      body: body.toString('utf8'),
    });
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', (error) => {
      response.writeHead(502);
      response.end(error.message);
    });
    forward.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = proxy.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    calls,
    async objects(bucket) {
      const out: Record<string, string> = {};
      const listed = await server.client.send(
        new ListObjectsV2Command({ Bucket: bucket }),
      );
      for (const { Key } of listed.Contents ?? []) {
        if (!Key) continue;
        const object = await server.client.send(
          new GetObjectCommand({ Bucket: bucket, Key }),
        );
        out[Key] = (await object.Body?.transformToString('utf8')) ?? '';
      }
      return out;
    },
    async close() {
      await new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      });
      await server.close();
    },
  };
}
