// Production entry: IAM allows UpdateFileSystem on allowlisted ARNs only.
import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { remediationEfsPort } from '../../shared/adapters/wiring/efs.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createRemediateHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createRemediateHandler({
  efs: remediationEfsPort(config),
  store: incidentStore(config),
  clock: systemClock,
  config,
});
