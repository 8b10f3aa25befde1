// Production entry: the incident table is linked by sst.config.ts.
import { alarmsPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createOpenIncidentHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createOpenIncidentHandler({
  store: incidentStore(config),
  config,
  // Read only when an ALARM meets an idle incident.
  alarms: alarmsPort(config),
});
