// Production entry: clients created once per container; the incident
// table is linked by sst.config.ts.

import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { alarmsPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createResolveIncidentHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createResolveIncidentHandler({
  alarms: alarmsPort(config),
  store: incidentStore(config),
  clock: systemClock,
});
