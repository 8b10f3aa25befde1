// Production entry: the signing secret and bot token are SST secrets.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import {
  createResponseUrlResponder,
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { SLACK_RESPONSE_URL_ORIGIN } from './core.ts';
import { createSlackInteractionsHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
// Slack wants the 200 within 3 s, after up to three AWS calls (claim,
// SendTaskSuccess, settle): each ends within 2 s even when AWS is slow.
const aws = awsClientOptions(config.region, {
  attemptTimeoutMs: 1_000,
  callBudgetMs: 2_000,
});
const sfn = new SFNClient(aws);

export const handler = createSlackInteractionsHandler(
  {
    store: createDynamoIncidentStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient(aws)),
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
    responder: createResponseUrlResponder({ timeoutMs: 1_500 }),
    // Slack's response_url host, and the Web API base when one is
    // configured (a Slack-compatible endpoint already trusted with the
    // bot token).
    responseUrlOrigins: [
      SLACK_RESPONSE_URL_ORIGIN,
      ...(config.slackApiUrl ? [new URL(config.slackApiUrl).origin] : []),
    ],
    signingSecret: Resource.SlackSigningSecret.value,
    approvers: config.approvers,
    nowSeconds: () => Math.floor(Date.now() / 1000),
  },
  new Logger({ serviceName: 'slack-interactions' }),
);
