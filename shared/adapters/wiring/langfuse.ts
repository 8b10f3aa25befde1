/**
 * The Langfuse admin ports of a deployed function: the per-file-system
 * credentials secret is the `ClickHouseCredentials` SST secret
 * sst.config.ts links (its entries' `langfuseAdminKey`).
 */
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import type { LangfuseAdminPort } from '../../domain/ports.ts';
import { langfuseAdminPortsFrom } from '../langfuse-admin.ts';

/** The port of a file system, or undefined without a URL or a key. */
export function langfuseAdminPorts(
  config: AppConfig,
): (fileSystemId: string) => LangfuseAdminPort | undefined {
  return langfuseAdminPortsFrom(config, Resource.ClickHouseCredentials.value);
}
