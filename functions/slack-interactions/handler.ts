// Production entry: the signing secret and bot token are SST secrets.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { readConfigFromEnv } from '../../shared/config.ts';
import { createSlackInteractionsHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
const sfn = new SFNClient(awsClientOptions(config.region));

export const handler = createSlackInteractionsHandler(
  {
    store: createDynamoIncidentStore({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient(awsClientOptions(config.region)),
      ),
      tableName: Resource.Incidents.name,
    }),
    tasks: {
      async sendTaskSuccess(input) {
        await sfn.send(new SendTaskSuccessCommand(input));
      },
    },
    // Slack wants an answer within 3 s: a short timeout on the card update.
    slack: createSlackPort(
      createSlackWebClient({
        token: Resource.SlackBotToken.value,
        slackApiUrl: config.slackApiUrl,
        timeoutMs: 1_500,
      }),
      { maxRateLimitRetries: 0 },
    ),
    signingSecret: Resource.SlackSigningSecret.value,
    approvers: config.approvers,
    nowSeconds: () => Math.floor(Date.now() / 1000),
  },
  new Logger({ serviceName: 'slack-interactions' }),
);
