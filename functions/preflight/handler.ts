// Production entry: runs on a schedule set in sst.config.ts.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Resource } from 'sst';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { readConfigFromEnv } from '../../shared/config.ts';
import { createPreflightHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createPreflightHandler({
  metrics: createMetricsPort(
    new CloudWatchClient(awsClientOptions(config.region)),
  ),
  slack: createSlackPort(
    createSlackWebClient({
      token: Resource.SlackBotToken.value,
      slackApiUrl: config.slackApiUrl,
      timeoutMs: 5_000,
    }),
  ),
  clock: { now: () => new Date() },
  config,
});
