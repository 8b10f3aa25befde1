/**
 * A real S3-compatible server on loopback for the offline recovery: s3rver
 * (npm, 3.7.1) over a temporary directory, and an S3 client pointed at it.
 *
 * s3rver stores and serves objects (PutObject, GetObject, HeadObject) as
 * is. Its ListObjectsV2 (lib/controllers/bucket.js `getBucket`,
 * lib/stores/filesystem.js `listObjects`) has two faults the recovery
 * would hit, so this module answers ListObjectsV2 itself, from s3rver's
 * own store, ahead of s3rver's router:
 * - a truncated page's NextContinuationToken is enciphered with DES
 *   (`crypto.createCipheriv('des', …)`), which OpenSSL 3 (Node 18 and
 *   later) no longer has: every truncated listing answers 500
 *   InternalError;
 * - with a Delimiter, its directory walk does not descend below the first
 *   level under a would-be common prefix, so `p1/trace/t-1/e.json` never
 *   rolls up into `p1/`: Langfuse's keys, four levels deep, would list no
 *   project at all.
 * The answer follows S3's API reference (ListObjectsV2,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html):
 * keys in UTF-8 binary order, MaxKeys capped at 1,000 and counting keys and
 * CommonPrefixes together, KeyCount, an opaque NextContinuationToken when
 * IsTruncated, StartAfter, and LastModified per object.
 *
 * LastModified is s3rver's: the modification time (mtime) of the object's
 * file on disk (FilesystemStore `getMetadata`, read back through
 * `Date#toUTCString`, so whole seconds). `putObject` below sets that mtime,
 * which is how the simulated timeline gives each event the upload time it
 * had.
 */
import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** An object as s3rver's store lists it (lib/models/object.js). */
type StoredObject = {
  key: string;
  size: number;
  lastModifiedDate: Date;
  metadata: Record<string, string>;
};
type Store = {
  getBucket(name: string): Promise<unknown>;
  listObjects(
    bucket: string,
    options: { prefix?: string; delimiter?: string; maxKeys?: number },
  ): Promise<{ objects: StoredObject[] }>;
};
type KoaContext = {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
};
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => unknown;

/** One ListObjectsV2 page: what S3 would answer for these arguments. */
export type ListPage = {
  contents: StoredObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix of the page, when truncated. */
  next?: string;
};

/**
 * The page after `startAfter` of `objects` (all under `prefix`): keys in
 * binary order; with a delimiter, the keys that hold it after the prefix
 * roll up into one common prefix each; keys and prefixes together fill at
 * most `maxKeys` entries.
 */
export function listPage(
  objects: readonly StoredObject[],
  args: {
    prefix: string;
    delimiter: string;
    startAfter: string;
    maxKeys: number;
  },
): ListPage {
  const { prefix, delimiter, startAfter, maxKeys } = args;
  const sorted = [...objects].sort((a, b) =>
    Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
  );
  const page: ListPage = {
    contents: [],
    commonPrefixes: [],
    isTruncated: false,
  };
  let last: string | undefined;
  for (const object of sorted) {
    const key = object.key;
    if (!key.startsWith(prefix) || key <= startAfter) continue;
    // Resuming after a common prefix skips every key it rolled up.
    if (
      delimiter &&
      startAfter.endsWith(delimiter) &&
      key.startsWith(startAfter)
    ) {
      continue;
    }
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = at === -1 ? key : key.slice(0, at + delimiter.length);
    if (at !== -1 && entry === last) continue;
    if (page.contents.length + page.commonPrefixes.length >= maxKeys) {
      page.isTruncated = true;
      if (last !== undefined) page.next = last;
      break;
    }
    if (at === -1) page.contents.push(object);
    else page.commonPrefixes.push(entry);
    last = entry;
  }
  return page;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

const one = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value[0] : value;

/** Tokens are opaque to clients; here, the marker in base64url. */
const encodeToken = (marker: string) =>
  Buffer.from(marker).toString('base64url');
const decodeToken = (token: string) =>
  Buffer.from(token, 'base64url').toString('utf8');

/** Answers `GET /{bucket}?list-type=2` from s3rver's store. */
function listObjectsV2(store: Store): KoaMiddleware {
  return async (ctx, next) => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (
      ctx.method !== 'GET' ||
      !bucket ||
      one(ctx.query['list-type']) !== '2'
    ) {
      return next();
    }
    const xml = (body: string) => {
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
    };
    if (!(await store.getBucket(bucket))) {
      ctx.status = 404;
      xml(
        `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${escapeXml(bucket)}</BucketName></Error>`,
      );
      return;
    }
    const prefix = one(ctx.query.prefix) ?? '';
    const delimiter = one(ctx.query.delimiter) ?? '';
    const token = one(ctx.query['continuation-token']);
    const startAfter = one(ctx.query['start-after']) ?? '';
    const askedMaxKeys = one(ctx.query['max-keys']);
    const maxKeys = Math.min(1000, askedMaxKeys ? Number(askedMaxKeys) : 1000);
    const { objects } = await store.listObjects(bucket, { prefix });
    const page = listPage(objects, {
      prefix,
      delimiter,
      startAfter: token ? decodeToken(token) : startAfter,
      maxKeys: Number.isFinite(maxKeys) && maxKeys >= 0 ? maxKeys : 1000,
    });
    const tag = (name: string, value: string | number | undefined) =>
      value === undefined || value === ''
        ? ''
        : `<${name}>${escapeXml(String(value))}</${name}>`;
    xml(
      [
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
        tag('Name', bucket),
        `<Prefix>${escapeXml(prefix)}</Prefix>`,
        tag('StartAfter', token ? undefined : startAfter),
        tag('ContinuationToken', token),
        tag('NextContinuationToken', page.next && encodeToken(page.next)),
        tag('KeyCount', page.contents.length + page.commonPrefixes.length),
        tag('MaxKeys', askedMaxKeys ?? 1000),
        tag('Delimiter', delimiter),
        tag('IsTruncated', String(page.isTruncated)),
        ...page.contents.map(
          (o) =>
            `<Contents>${tag('Key', o.key)}${tag('LastModified', o.lastModifiedDate.toISOString())}${tag('ETag', o.metadata.etag)}${tag('Size', o.size)}<StorageClass>STANDARD</StorageClass></Contents>`,
        ),
        ...page.commonPrefixes.map(
          (p) => `<CommonPrefixes>${tag('Prefix', p)}</CommonPrefixes>`,
        ),
        '</ListBucketResult>',
      ].join(''),
    );
  };
}

export type LocalS3 = {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** A client for the server: path style, dummy credentials. */
  client: S3Client;
  /** The temporary directory the objects live in, removed on close. */
  directory: string;
  /**
   * Stores an object; `lastModified` (default: now) becomes its
   * LastModified in listings and on GetObject, to the second.
   */
  putObject(object: {
    bucket: string;
    key: string;
    body: string;
    lastModified?: Date;
    contentType?: string;
  }): Promise<void>;
  /** Stops the server, destroys the client, removes the directory. */
  close(): Promise<void>;
};

/** An S3 client for a loopback server (no AWS account, no network). */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver answers no checksum headers; the SDK then only warns.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * The file s3rver keeps an object's bytes in (FilesystemStore
 * `getResourcePath(bucket, key, 'object')`: the key's last segment plus
 * `._S3rver_object`, on POSIX).
 */
function objectFile(directory: string, bucket: string, key: string): string {
  const parts = key.split('/');
  const last = parts.pop() ?? '';
  return join(directory, bucket, ...parts, `${last}._S3rver_object`);
}

/**
 * Waits until s3rver has written all of an object's bytes. Its
 * FilesystemStore.putObject answers once the request body has passed
 * through, while its write stream may still be opening the file or writing
 * it: a modification time set before the last write would be overwritten.
 */
async function writtenInFull(file: string, bytes: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      if (statSync(file).size === bytes) return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`s3rver did not finish writing ${file}`);
}

/** Starts s3rver on 127.0.0.1, a free port, with the given buckets. */
export async function startS3Server(options: {
  buckets: readonly string[];
}): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'burstguard-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Buckets are addressed by path (forcePathStyle), never by host.
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // Ahead of s3rver's own middleware (Koa composes `middleware` in order
  // when the server starts listening).
  const koa = server as unknown as {
    middleware: KoaMiddleware[];
    store: Store;
  };
  koa.middleware.unshift(listObjectsV2(koa.store));
  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = localS3Client(endpoint);
  return {
    endpoint,
    client,
    directory,
    async putObject({ bucket, key, body, lastModified, contentType }) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType ?? 'application/json',
        }),
      );
      if (lastModified) {
        const file = objectFile(directory, bucket, key);
        await writtenInFull(file, Buffer.byteLength(body));
        utimesSync(file, lastModified, lastModified);
      }
    },
    async close() {
      client.destroy();
      try {
        await server.close();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
