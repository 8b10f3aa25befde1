/**
 * The loopback S3 server answers ListObjectsV2 as the recovery needs it,
 * checked against S3's API reference (ListObjectsV2: MaxKeys "returns up
 * to 1,000 key names", NextContinuationToken when IsTruncated,
 * Delimiter/CommonPrefixes, LastModified per object;
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 */
import { existsSync } from 'node:fs';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startS3Server } from '../../local/s3-server.ts';

let s3: LocalS3;
const BUCKET = 'langfuse-events';
const MANY_AT = new Date('2026-11-26T03:30:00.000Z');

beforeAll(async () => {
  s3 = await startS3Server({ buckets: [BUCKET, 'burstguard-own'] });
  const puts: Promise<void>[] = [];
  for (let i = 0; i < 1_005; i++) {
    puts.push(
      s3.putObject({
        bucket: BUCKET,
        key: `many/${String(i).padStart(4, '0')}.json`,
        body: JSON.stringify([{ i }]),
        lastModified: MANY_AT,
      }),
    );
  }
  await Promise.all(puts);
}, 60_000);

afterAll(async () => {
  await s3?.close();
});

describe('startS3Server', () => {
  it('listens on loopback', () => {
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('gives an object the LastModified it was stored with, to the second', async () => {
    // Prepare
    const at = new Date('2026-11-26T04:12:33.456Z');
    await s3.putObject({
      bucket: BUCKET,
      key: 'p1/trace/t-1/e-1.json',
      body: '[{"id":"e-1"}]',
      lastModified: at,
    });

    // Act
    const listed = await s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'p1/' }),
    );
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'p1/trace/t-1/e-1.json' }),
    );
    const got = await s3.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'p1/trace/t-1/e-1.json' }),
    );

    // Assess
    expect(
      listed.Contents?.map((o) => [o.Key, o.LastModified?.toISOString()]),
    ).toEqual([['p1/trace/t-1/e-1.json', '2026-11-26T04:12:33.000Z']]);
    expect(head.LastModified?.toISOString()).toBe('2026-11-26T04:12:33.000Z');
    expect(await got.Body?.transformToString()).toBe('[{"id":"e-1"}]');
  });

  it('caps a page at 1,000 keys and resumes with the continuation token', async () => {
    // Act
    const first = await s3.client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'many/',
        MaxKeys: 5_000,
      }),
    );
    const second = await s3.client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'many/',
        ContinuationToken: first.NextContinuationToken,
      }),
    );

    // Assess
    expect(first.KeyCount).toBe(1_000);
    // Every one of 1,005 parallel uploads kept the time it was given.
    expect(
      new Set(
        [...(first.Contents ?? []), ...(second.Contents ?? [])].map((o) =>
          o.LastModified?.toISOString(),
        ),
      ),
    ).toEqual(new Set([MANY_AT.toISOString()]));
    expect(first.IsTruncated).toBe(true);
    expect(first.Contents?.at(-1)?.Key).toBe('many/0999.json');
    expect(second.IsTruncated).toBe(false);
    expect(second.Contents?.map((o) => o.Key)).toEqual([
      'many/1000.json',
      'many/1001.json',
      'many/1002.json',
      'many/1003.json',
      'many/1004.json',
    ]);
  });

  it('rolls keys up into CommonPrefixes under a delimiter', async () => {
    // Prepare
    await s3.putObject({
      bucket: BUCKET,
      key: 'p2/observation/o-1/e.json',
      body: '[]',
    });
    await s3.putObject({
      bucket: BUCKET,
      key: 'otel/p1/2026/11/26/04/12/x.json',
      body: '[]',
    });

    // Act
    const top = await s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }),
    );

    // Assess
    expect(top.Contents ?? []).toEqual([]);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      'many/',
      'otel/',
      'p1/',
      'p2/',
    ]);
  });

  it('counts common prefixes against MaxKeys and resumes after one', async () => {
    // Act
    const first = await s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/', MaxKeys: 2 }),
    );
    const second = await s3.client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Delimiter: '/',
        MaxKeys: 2,
        ContinuationToken: first.NextContinuationToken,
      }),
    );

    // Assess
    expect(first.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      'many/',
      'otel/',
    ]);
    expect(first.KeyCount).toBe(2);
    expect(first.IsTruncated).toBe(true);
    expect(second.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['p1/', 'p2/']);
    expect(second.IsTruncated).toBe(false);
    expect(second.NextContinuationToken).toBeUndefined();
  });

  it('answers NoSuchBucket for a bucket it does not have', async () => {
    await expect(
      s3.client.send(new ListObjectsV2Command({ Bucket: 'nope' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('removes its directory on close', async () => {
    // Prepare
    const other = await startS3Server({ buckets: ['b'] });
    await other.putObject({ bucket: 'b', key: 'k.json', body: '{}' });
    expect(existsSync(other.directory)).toBe(true);

    // Act
    await other.close();

    // Assess
    expect(existsSync(other.directory)).toBe(false);
  });
});
