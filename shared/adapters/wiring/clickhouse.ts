/**
 * The ClickHouse ports of a deployed function, one per configured file
 * system; the password and the private CA (empty for the system's CAs)
 * are the SST secrets sst.config.ts links.
 */
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import { clickhousePortsFromConfig } from '../clickhouse-http.ts';

/** The port of a file system, or undefined when it names no ClickHouse. */
export function clickhousePorts(config: AppConfig) {
  const ports = clickhousePortsFromConfig(config, {
    password: Resource.ClickHousePassword.value,
    caCertificate: Resource.ClickHouseCaCertificate.value,
  });
  return (fileSystemId: string) => ports.get(fileSystemId);
}
