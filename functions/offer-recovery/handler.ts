// Production entry: DynamoDB, the Slack bot and Step Functions, once per
// container.
import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { taskCallbacks } from '../../shared/adapters/wiring/sfn.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createOfferRecoveryHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createOfferRecoveryHandler({
  store: incidentStore(config),
  slack: slackPort(config),
  tasks: taskCallbacks(config),
  channel: config.slackChannel,
  clock: systemClock,
  config,
});
