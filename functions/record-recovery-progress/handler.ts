// Production entry: DynamoDB, S3 and the Slack bot, once per container.
import { systemClock } from '../../shared/adapters/wiring/clock.ts';
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { recoveryArtifacts } from '../../shared/adapters/wiring/s3.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createRecordRecoveryProgressHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createRecordRecoveryProgressHandler({
  store: incidentStore(config),
  artifacts: recoveryArtifacts(config),
  ...(config.recovery.ownBucket
    ? { ownBucket: config.recovery.ownBucket }
    : {}),
  slack: slackPort(config),
  clock: systemClock,
});
