/**
 * The recovery's S3 ports over @aws-sdk/client-s3: the project folders of
 * Langfuse's events bucket (ListObjectsV2 with Delimiter `/`, every page
 * followed by its NextContinuationToken: Amazon S3 API reference,
 * ListObjectsV2, https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html),
 * and the failed keys written to burstguard's own bucket (PutObject). The
 * events bucket is only ever listed, never written.
 */
import {
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type {
  EventsListingPort,
  RecoveryArtifactsPort,
} from '../domain/ports.ts';

/** Pages read before giving up: 1,000 prefixes a page, a million projects. */
const MAX_PAGES = 1_000;

/** The events listing of a client. */
export function createEventsListing(client: S3Client): EventsListingPort {
  return {
    async listPrefixes({ bucket, prefix }) {
      const prefixes: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const common of out.CommonPrefixes ?? []) {
          if (common.Prefix) prefixes.push(common.Prefix);
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
        if (!token) return prefixes;
      }
      throw new Error(
        `ListObjectsV2 s3://${bucket}/${prefix}: more than ${MAX_PAGES} pages of prefixes`,
      );
    },
  };
}

/** Failed keys or skip reasons, one per line, in burstguard's own bucket. */
export function createRecoveryArtifacts(
  client: S3Client,
): RecoveryArtifactsPort {
  return {
    async writeLines({ bucket, key, lines }) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: lines.length > 0 ? `${lines.join('\n')}\n` : '',
          ContentType: 'text/plain; charset=utf-8',
        }),
      );
      return `s3://${bucket}/${key}`;
    },
  };
}
