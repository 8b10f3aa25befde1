/**
 * The recovery's S3 adapter with aws-sdk-client-mock. Pages are shaped as
 * the Amazon S3 API reference's ListObjectsV2 examples show them
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html:
 * "Listing keys using the prefix and delimiter parameters" answers
 * CommonPrefixes of `{Prefix}`; "Using a continuation token" answers
 * IsTruncated true with NextContinuationToken, and the next request sends
 * it as ContinuationToken).
 */
import {
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEventsListing,
  createRecoveryArtifacts,
} from '../../shared/adapters/s3-events.ts';

const s3Mock = mockClient(S3Client);
afterEach(() => {
  s3Mock.reset();
});

const client = () => new S3Client({ region: 'us-east-1' });

describe('the events listing', () => {
  it('follows continuation tokens past 1,000 prefixes', async () => {
    // Prepare: a first full page of 1,000 common prefixes, then 2 more.
    const first = Array.from({ length: 1000 }, (_, i) => ({
      Prefix: `events/proj-${String(i).padStart(4, '0')}/`,
    }));
    s3Mock
      .on(ListObjectsV2Command)
      .resolvesOnce({
        Name: 'langfuse-events',
        Prefix: 'events/',
        Delimiter: '/',
        MaxKeys: 1000,
        KeyCount: 1000,
        IsTruncated: true,
        NextContinuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
        CommonPrefixes: first,
      })
      .resolvesOnce({
        Name: 'langfuse-events',
        Prefix: 'events/',
        Delimiter: '/',
        MaxKeys: 1000,
        KeyCount: 2,
        IsTruncated: false,
        ContinuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
        CommonPrefixes: [{ Prefix: 'events/otel/' }, { Prefix: 'events/zz/' }],
      });

    // Act
    const prefixes = await createEventsListing(client()).listPrefixes({
      bucket: 'langfuse-events',
      prefix: 'events/',
    });

    // Assess
    expect(prefixes).toHaveLength(1002);
    expect(prefixes.at(-1)).toBe('events/zz/');
    const calls = s3Mock.commandCalls(ListObjectsV2Command);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { Bucket: 'langfuse-events', Prefix: 'events/', Delimiter: '/' },
      {
        Bucket: 'langfuse-events',
        Prefix: 'events/',
        Delimiter: '/',
        ContinuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
      },
    ]);
  });

  it('answers no prefixes for an empty bucket', async () => {
    // Prepare: S3 leaves CommonPrefixes out when there are none.
    s3Mock.on(ListObjectsV2Command).resolves({
      Name: 'langfuse-events',
      Prefix: '',
      KeyCount: 0,
      IsTruncated: false,
    });

    // Act
    const prefixes = await createEventsListing(client()).listPrefixes({
      bucket: 'langfuse-events',
      prefix: '',
    });

    // Assess
    expect(prefixes).toEqual([]);
  });
});

describe('the recovery artifacts', () => {
  it('writes failed keys one per line to the own bucket', async () => {
    // Prepare
    s3Mock
      .on(PutObjectCommand)
      .resolves({ ETag: '"6805f2cfc46c0f04559748bb039d69ae"' });

    // Act
    const at = await createRecoveryArtifacts(client()).writeLines({
      bucket: 'burstguard-own',
      key: 'recoveries/run-1/failed/0001.txt',
      lines: ['p/trace/t/e1.json', 'p/trace/t/e2.json'],
    });

    // Assess
    expect(at).toBe('s3://burstguard-own/recoveries/run-1/failed/0001.txt');
    const put = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'burstguard-own',
      Key: 'recoveries/run-1/failed/0001.txt',
      Body: 'p/trace/t/e1.json\np/trace/t/e2.json\n',
    });
  });
});
