/**
 * EfsPort over the AWS SDK v3 EFS client.
 */
import {
  DescribeFileSystemsCommand,
  type EFSClient,
  FileSystemNotFound,
  UpdateFileSystemCommand,
} from '@aws-sdk/client-efs';
import { fileSystemDescriptionSchema } from '../aws-shapes.ts';
import { FileSystemNotFoundError } from '../errors.ts';
import type { EfsPort } from '../ports.ts';

function isNotFound(error: unknown): boolean {
  return (
    error instanceof FileSystemNotFound ||
    (error as { name?: string })?.name === 'FileSystemNotFound'
  );
}

/** Wraps an EFSClient; FileSystemNotFound becomes FileSystemNotFoundError. */
export function createEfsPort(client: EFSClient): EfsPort {
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
        return fileSystemDescriptionSchema.parse(fs);
      } catch (error) {
        if (isNotFound(error)) {
          throw new FileSystemNotFoundError(
            `file system ${fileSystemId} does not exist (FileSystemNotFound)`,
            { cause: error },
          );
        }
        throw error;
      }
    },
    async updateFileSystem(call) {
      try {
        const out = await client.send(new UpdateFileSystemCommand(call));
        return fileSystemDescriptionSchema.parse(out);
      } catch (error) {
        if (isNotFound(error)) {
          throw new FileSystemNotFoundError(
            `file system ${call.FileSystemId} does not exist (FileSystemNotFound)`,
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}
