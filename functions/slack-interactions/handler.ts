// Production entry: the signing secret and bot token are SST secrets.
import { Logger } from '@aws-lambda-powertools/logger';
import { Resource } from 'sst';
import { createResponseUrlResponder } from '../../shared/adapters/slack.ts';
import {
  advisorStore,
  incidentStore,
} from '../../shared/adapters/wiring/dynamo.ts';
import { taskCallbacks } from '../../shared/adapters/wiring/sfn.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { findFileSystem } from '../../shared/domain/config.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { SLACK_RESPONSE_URL_ORIGIN } from './core.ts';
import { createSlackInteractionsHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
// Slack wants the 200 within 3 s, after up to three AWS calls (claim,
// SendTaskSuccess, settle): each ends within 2 s even when AWS is slow.
const awsLimits = { attemptTimeoutMs: 1_000, callBudgetMs: 2_000 };

export const handler = createSlackInteractionsHandler(
  {
    store: incidentStore(config, awsLimits),
    // The weekly advice's Apply (queued for the advisor) and Snooze.
    advice: {
      store: advisorStore(config, awsLimits),
      remediationAllowed: (id) =>
        findFileSystem(config, id)?.remediationAllowed === true,
    },
    tasks: taskCallbacks(config, awsLimits),
    // Slack wants an answer within 3 s: a short timeout on the card update.
    slack: slackPort(config, { timeoutMs: 1_500, maxRateLimitRetries: 0 }),
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
