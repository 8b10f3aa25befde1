// Production entry: S3 and DynamoDB clients and the Slack bot, once per
// container.
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { eventsListing } from '../../shared/adapters/wiring/s3.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createPlanRecoveryHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createPlanRecoveryHandler({
  config,
  listing: eventsListing(config),
  store: incidentStore(config),
  slack: slackPort(config),
});
