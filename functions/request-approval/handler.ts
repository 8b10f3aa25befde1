// Production entry: the Slack token comes from an SST secret.
import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createRequestApprovalHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createRequestApprovalHandler({
  clock: systemClock,
  slack: slackPort(config),
  store: incidentStore(config),
  channel: config.slackChannel,
});
