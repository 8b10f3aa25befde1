// Production entry: one ClickHouse client per configured file system,
// created once per container.
import { clickhousePorts } from '../../shared/adapters/wiring/clickhouse.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createCollectClickHouseHandler } from './lambda.ts';

export const handler = createCollectClickHouseHandler({
  clickhouseFor: clickhousePorts(readConfigFromEnv(process.env)),
});
