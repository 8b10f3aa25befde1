// Production entry: DynamoDB and the Slack bot, once per container.
import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createFinishRecoveryHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createFinishRecoveryHandler({
  store: incidentStore(config),
  slack: slackPort(config),
  channel: config.slackChannel,
  clock: systemClock,
  ...(config.recovery.ownBucket
    ? { ownBucket: config.recovery.ownBucket }
    : {}),
});
