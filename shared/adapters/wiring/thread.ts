/**
 * The ports of a step that writes to an incident's Slack thread: the bot,
 * the channel, and the store that remembers the thread and the approval.
 */
import { type AppConfig, approvalSettings } from '../../domain/config.ts';
import { systemClock } from './clock.ts';
import { incidentStore } from './dynamo.ts';
import { slackPort } from './slack.ts';

/** Notify's and RequestApproval's ports. */
export function slackThreadPorts(config: AppConfig) {
  return {
    slack: slackPort(config),
    store: incidentStore(config),
    channel: config.slackChannel,
    clock: systemClock,
    config,
    approval: approvalSettings(config),
  };
}
