/**
 * The ClickHouse ports of a deployed function, one per configured file
 * system. Each logs in with its entry of the `ClickHouseCredentials`
 * secret, or the per-stage `ClickHousePassword` and
 * `ClickHouseCaCertificate` (empty for the system's CAs): the SST secrets
 * sst.config.ts links. Checked here, at cold start, as at deploy: a wrong
 * entry stops the collector with one line naming the file system and the
 * field.
 */
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import { clickhousePortsFromConfig } from '../clickhouse-http.ts';

/** The port of a file system, or undefined when it names no ClickHouse. */
export function clickhousePorts(config: AppConfig) {
  const ports = clickhousePortsFromConfig(config, {
    credentials: Resource.ClickHouseCredentials.value,
    password: Resource.ClickHousePassword.value,
    caCertificate: Resource.ClickHouseCaCertificate.value,
  });
  return (fileSystemId: string) => ports.get(fileSystemId);
}
