/**
 * EfsPort over the AWS SDK v3 EFS client.
 */
import {
  DescribeFileSystemsCommand,
  EFSClient,
  type EFSClientConfig,
  FileSystemNotFound,
  UpdateFileSystemCommand,
} from '@aws-sdk/client-efs';
import { fileSystemDescriptionSchema } from '../domain/aws-shapes.ts';
import {
  FileSystemNotFoundError,
  parseOrThrow,
  UnexpectedResponseError,
} from '../domain/errors.ts';
import type { EfsPort } from '../domain/ports.ts';
import { awsClientOptions } from './aws-clients.ts';

/** EFS's FileSystemNotFound as FileSystemNotFoundError; others as they are. */
/** A FileSystemDescription as documented, or one line naming the bad field. */
function description(answer: unknown, operation: string) {
  return parseOrThrow(fileSystemDescriptionSchema, answer, {
    error: UnexpectedResponseError,
    what: `EFS ${operation} answered`,
    root: '(the description)',
    otherwise: 'an unexpected shape',
  });
}

function named(error: unknown, fileSystemId: string): unknown {
  const notFound =
    error instanceof FileSystemNotFound ||
    (error as { name?: string })?.name === 'FileSystemNotFound';
  return notFound
    ? new FileSystemNotFoundError(
        `file system ${fileSystemId} does not exist (FileSystemNotFound)`,
        { cause: error },
      )
    : error;
}

/**
 * Wraps an EFSClient; FileSystemNotFound becomes FileSystemNotFoundError.
 * UpdateFileSystem goes through `updateClient` when one is given.
 */
export function createEfsPort(
  client: EFSClient,
  updateClient: EFSClient = client,
): EfsPort {
  return {
    async describeFileSystem(fileSystemId) {
      try {
        const out = await client.send(
          new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }),
        );
        const fs = out.FileSystems?.[0];
        if (!fs) {
          throw new FileSystemNotFoundError(
            `file system ${fileSystemId} does not exist`,
          );
        }
        return description(fs, 'DescribeFileSystems');
      } catch (error) {
        throw named(error, fileSystemId);
      }
    },
    async updateFileSystem(call) {
      try {
        const out = await updateClient.send(new UpdateFileSystemCommand(call));
        return description(out, 'UpdateFileSystem');
      } catch (error) {
        throw named(error, call.FileSystemId);
      }
    },
  };
}

/**
 * The EFS port Remediate deploys with. DescribeFileSystems is a read and is
 * retried like any other call; UpdateFileSystem is sent exactly once, by a
 * client that never retries: a timeout or a 5xx may mean the change was
 * made (EFS API reference, UpdateFileSystem: InternalServerError), and any
 * 429 (TooManyRequests, the 24 h rule, or throttling) is an answer to
 * report, not to repeat. Remediate then says "may have changed" and
 * Verify reads the mode back.
 */
export function createRemediationEfsPort(
  region: string | undefined,
  extra: Partial<EFSClientConfig> = {},
): EfsPort {
  return createEfsPort(
    new EFSClient({ ...awsClientOptions(region), ...extra }),
    new EFSClient({
      ...awsClientOptions(region, { maxAttempts: 1 }),
      ...extra,
    }),
  );
}
