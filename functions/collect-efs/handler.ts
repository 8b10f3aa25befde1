// Production entry: clients created once per container.

import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { metricsPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { efsPort } from '../../shared/adapters/wiring/efs.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createCollectEfsHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createCollectEfsHandler({
  efs: efsPort(config),
  metrics: metricsPort(config),
  clock: systemClock,
});
