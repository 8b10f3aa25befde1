/**
 * `burstguard slack-test`: posts one message with the deployed
 * configuration, to check the Slack app from a terminal before an incident
 * does. The configuration is the file `sst deploy` read
 * (`burstguard.config.json`, or BURSTGUARD_CONFIG_FILE); the bot token is
 * the deployed `SlackBotToken` secret, which `npx sst shell` hands to the
 * command it runs as `SST_RESOURCE_SlackBotToken` (SST docs, "sst shell";
 * the `sst` package reads the same variables for `Resource`:
 * `dist/resource/shared.js`, `loadResourceEnvironment`), or SLACK_BOT_TOKEN. The token is never
 * printed: Slack's errors go through the adapter, which cuts it out.
 */
import { readFileSync } from 'node:fs';
import { configFilePath, loadDeployConfig } from '../../infra/deploy-config.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import { SlackDeliveryError } from '../../shared/domain/errors.ts';
import { clipMd, joinMd, md } from '../../shared/domain/messages/mrkdwn.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import type { Io } from '../output.ts';

/** Per request: a person waits for the answer. */
const SLACK_TIMEOUT_MS = 10_000;

/** What to do about the Slack errors a new app meets first. */
const HINTS: Record<string, string> = {
  not_in_channel: 'invite the bot: type /invite @burstguard in the channel',
  channel_not_found:
    'slackChannel must be the channel id (C…, from the channel details) and the bot invited to it',
  invalid_auth:
    'the token is not a valid bot token: copy the Bot User OAuth Token (xoxb-…) again',
  not_authed: 'no token reached Slack',
  token_revoked: 'the app was uninstalled or the token revoked: reinstall it',
  missing_scope:
    'the token lacks chat:write: reinstall the app created from slack/manifest.json',
};

const NO_TOKEN =
  'no bot token: run it as `npx sst shell --stage STAGE -- npx burstguard slack-test` (the deployed SlackBotToken secret), or set SLACK_BOT_TOKEN';

/**
 * The bot token: SLACK_BOT_TOKEN, or the linked secret `sst shell` puts in
 * `SST_RESOURCE_SlackBotToken` as `{"value": ..., "type": "sst.sst.Secret"}`.
 */
export function botToken(env: NodeJS.ProcessEnv): string {
  if (env.SLACK_BOT_TOKEN) return env.SLACK_BOT_TOKEN;
  let value: unknown;
  try {
    value = (
      JSON.parse(env.SST_RESOURCE_SlackBotToken ?? 'null') as {
        value?: unknown;
      } | null
    )?.value;
  } catch {
    // Not SST's JSON: the same as no token, and nothing of it is shown.
  }
  if (typeof value !== 'string' || value === '') throw new Error(NO_TOKEN);
  return value;
}

/** The Interactivity Request URL `sst deploy` printed, if this checkout ran it. */
export function deployedInteractionsUrl(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): string | undefined {
  let outputs: { slackInteractionsUrl?: unknown } = {};
  try {
    outputs = JSON.parse(read('.sst/outputs.json'));
  } catch {
    return undefined;
  }
  const url = outputs.slackInteractionsUrl;
  return typeof url === 'string' ? url : undefined;
}

/** The test message: plain text and one section naming what it watches. */
export function slackTestMessage(
  channel: string,
  fileSystems: readonly { fileSystemId: string; name?: string }[],
): SlackMessage {
  const watched = joinMd(
    fileSystems.map((fs) =>
      fs.name
        ? md`\`${fs.fileSystemId}\` (${fs.name})`
        : md`\`${fs.fileSystemId}\``,
    ),
    ', ',
  );
  const text =
    'burstguard can post here: incidents will start a thread in this channel.';
  return {
    channel,
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          // A section holds at most 3,000 characters (Block Kit reference).
          text: clipMd(
            md`*burstguard can post here.* An incident on ${watched} starts a thread in this channel.`,
            3000,
          ).toString(),
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: md`Sent by \`burstguard slack-test\` with the deployed configuration.`.toString(),
          },
        ],
      },
    ],
  };
}

/** Posts the test message; returns the exit code. */
export async function runSlackTest(
  options: { channel?: string },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  interactionsUrl: () => string | undefined = deployedInteractionsUrl,
): Promise<number> {
  const path = configFilePath(env);
  const { config } = loadDeployConfig(path);
  const channel = options.channel ?? config.slackChannel;
  const token = botToken(env);
  const slack = createSlackPort(
    createSlackWebClient({
      token,
      timeoutMs: SLACK_TIMEOUT_MS,
      ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    }),
  );
  let posted: { channel: string; ts: string };
  try {
    posted = await slack.postMessage(
      slackTestMessage(channel, config.fileSystems),
    );
  } catch (error) {
    if (!(error instanceof SlackDeliveryError)) throw error;
    const code = /ok=false: (\w+)/.exec(error.message)?.[1] ?? '';
    const hint = HINTS[code];
    throw new Error(
      `${error.message} (channel ${channel}${hint ? `; ${hint}` : ''})`,
    );
  }
  io.out(
    `posted to ${posted.channel} (ts ${posted.ts}), configuration ${path}\n`,
  );
  const url = interactionsUrl();
  io.out(
    url
      ? `Interactivity Request URL for the Slack app: ${url}\n`
      : 'Interactivity Request URL: the slackInteractionsUrl output of `npx sst deploy`\n',
  );
  return 0;
}

/** `burstguard slack-test`. */
export const slackTestCommand = defineCommand(
  {
    name: 'slack-test',
    summary:
      'posts one message with the deployed configuration, to check the Slack app (run it under `npx sst shell --stage STAGE`, or set SLACK_BOT_TOKEN)',
    flags: {
      channel: {
        type: 'string',
        value: 'ID',
        help: "the channel id to post in (default: the configuration's slackChannel)",
      },
    },
  },
  async ({ values }, io) =>
    runSlackTest(
      {
        ...(stringFlag(values, 'channel')
          ? { channel: stringFlag(values, 'channel') as string }
          : {}),
      },
      io,
    ),
);
