// Production entry: the Slack token comes from an SST secret.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createNotifyHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createNotifyHandler({
  slack: createSlackPort(
    createSlackWebClient({
      token: Resource.SlackBotToken.value,
      slackApiUrl: config.slackApiUrl,
      timeoutMs: 5_000,
    }),
  ),
  store: createDynamoIncidentStore({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient(awsClientOptions(config.region)),
    ),
    tableName: Resource.Incidents.name,
  }),
  channel: config.slackChannel,
  clock: { now: () => new Date() },
});
