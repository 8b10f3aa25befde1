// Production entry: runs on a schedule set in sst.config.ts; the incident
// table is linked for the hourly check of open incidents.

import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import {
  alarmsPort,
  metricsPort,
} from '../../shared/adapters/wiring/cloudwatch.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createPreflightHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createPreflightHandler({
  metrics: metricsPort(config),
  slack: slackPort(config),
  clock: systemClock,
  config,
  incidents: { store: incidentStore(config), alarms: alarmsPort(config) },
});
