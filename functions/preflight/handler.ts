// Production entry: runs on a schedule set in sst.config.ts; the incident
// table is linked for the hourly check of open incidents.
import {
  alarmsPort,
  metricsPort,
} from '../../shared/adapters/wiring/cloudwatch.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { deployedStep } from '../../shared/runtime/config.ts';
import { createPreflightHandler } from './lambda.ts';

const step = deployedStep(process.env);
const { config } = step;

export const handler = createPreflightHandler({
  ...step,
  metrics: metricsPort(config),
  slack: slackPort(config),
  incidents: { store: incidentStore(config), alarms: alarmsPort(config) },
});
