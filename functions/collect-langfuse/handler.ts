// Production entry: clients created once per container.

import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { metricsPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { logsInsightsPort } from '../../shared/adapters/wiring/logs.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createCollectLangfuseHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createCollectLangfuseHandler({
  metrics: metricsPort(config),
  logsInsights: logsInsightsPort(config),
  clock: systemClock,
  config,
});
