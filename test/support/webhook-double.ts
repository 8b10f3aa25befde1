/**
 * A webhook on loopback that records every POST and answers with the
 * status it is told: the stand-in for a pager's integration URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WebhookPost = {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
};

export type WebhookDouble = {
  /** A URL on this double; the path is kept in each post. */
  url(path?: string): string;
  posts: WebhookPost[];
  /** The status of every answer from now on (200 at first). */
  answerWith(status: number): void;
  close(): Promise<void>;
};

export async function startWebhookDouble(): Promise<WebhookDouble> {
  const posts: WebhookPost[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text.
      }
      if (request.method === 'POST') {
        posts.push({ path: request.url ?? '', headers: request.headers, body });
      }
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hooks/pager-secret-path') =>
      `http://127.0.0.1:${port}${path}`,
    posts,
    answerWith(next) {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
