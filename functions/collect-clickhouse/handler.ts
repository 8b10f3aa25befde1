// Production entry: one ClickHouse client per configured file system,
// created once per container; the password comes from an SST secret.
import { Resource } from 'sst';
import { createClickHouseHttpPort } from '../../shared/adapters/clickhouse-http.ts';
import { readConfigFromEnv } from '../../shared/config.ts';
import type { ClickHousePort } from '../../shared/ports.ts';
import { createCollectClickHouseHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
const ports = new Map<string, ClickHousePort>();
for (const fs of config.fileSystems) {
  if (!fs.clickhouseUrl) continue;
  ports.set(
    fs.fileSystemId,
    createClickHouseHttpPort({
      url: fs.clickhouseUrl,
      username: fs.clickhouseUser,
      password: Resource.ClickHousePassword.value,
      timeoutMs: config.clickhouseTimeoutMs,
    }),
  );
}

export const handler = createCollectClickHouseHandler({
  clickhouseFor: (fileSystemId) => ports.get(fileSystemId),
});
