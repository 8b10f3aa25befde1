/** The EFS ports of a deployed function (see wiring/cloudwatch.ts). */
import { EFSClient } from '@aws-sdk/client-efs';
import type { AppConfig } from '../../domain/config.ts';
import type { EfsPort } from '../../domain/ports.ts';
import { awsClientOptions } from '../aws-clients.ts';
import { createEfsPort, createRemediationEfsPort } from '../aws-efs.ts';

/** DescribeFileSystems, with burstguard's deadlines. */
export function efsPort(config: AppConfig): EfsPort {
  return createEfsPort(new EFSClient(awsClientOptions(config.region)));
}

/**
 * Remediate's port: UpdateFileSystem is never retried by the SDK
 * (createRemediationEfsPort in shared/adapters/aws-efs.ts).
 */
export function remediationEfsPort(config: AppConfig): EfsPort {
  return createRemediationEfsPort(config.region);
}
