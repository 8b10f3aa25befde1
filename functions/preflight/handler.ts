// Production entry: runs on a schedule set in sst.config.ts; the incident
// table is linked for the hourly check of open incidents.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { createAlarmsPort } from '../../shared/adapters/aws-alarms.ts';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createPreflightHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
const cloudwatch = new CloudWatchClient(awsClientOptions(config.region));

export const handler = createPreflightHandler({
  metrics: createMetricsPort(cloudwatch),
  slack: createSlackPort(
    createSlackWebClient({
      token: Resource.SlackBotToken.value,
      slackApiUrl: config.slackApiUrl,
      timeoutMs: 5_000,
    }),
  ),
  clock: { now: () => new Date() },
  config,
  incidents: {
    store: createDynamoIncidentStore({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient(awsClientOptions(config.region)),
      ),
      tableName: Resource.Incidents.name,
    }),
    alarms: createAlarmsPort(cloudwatch),
  },
});
