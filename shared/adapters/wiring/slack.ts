/**
 * The Slack port of a deployed function: the bot token is the
 * `SlackBotToken` secret sst.config.ts links, the Web API base the
 * configured one, if any.
 */
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import {
  createSlackPort,
  createSlackWebClient,
  type SlackPortOptions,
  type SlackPortWithUpdate,
} from '../slack.ts';

/** Per-request timeout when the caller has no tighter deadline. */
const SLACK_TIMEOUT_MS = 5_000;

/** chat.postMessage and chat.update with the bot token. */
export function slackPort(
  config: AppConfig,
  options: SlackPortOptions & { timeoutMs?: number } = {},
): SlackPortWithUpdate {
  const { timeoutMs = SLACK_TIMEOUT_MS, ...portOptions } = options;
  return createSlackPort(
    createSlackWebClient({
      token: Resource.SlackBotToken.value,
      slackApiUrl: config.slackApiUrl,
      timeoutMs,
    }),
    portOptions,
  );
}
