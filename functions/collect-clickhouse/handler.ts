// Production entry: one ClickHouse client per configured file system,
// created once per container; the password and the private CA (empty for
// the system's CAs) come from SST secrets.
import { Resource } from 'sst';
import { clickhousePortsFromConfig } from '../../shared/adapters/clickhouse-http.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createCollectClickHouseHandler } from './lambda.ts';

const ports = clickhousePortsFromConfig(readConfigFromEnv(process.env), {
  password: Resource.ClickHousePassword.value,
  caCertificate: Resource.ClickHouseCaCertificate.value,
});

export const handler = createCollectClickHouseHandler({
  clickhouseFor: (fileSystemId) => ports.get(fileSystemId),
});
