/**
 * What the thread's messages need from the configuration besides the
 * run's state: who to wake for an approval, and where the Langfuse
 * worker's logs are for the console links.
 */
import type { AppConfig } from '../config.ts';
import { findFileSystem } from '../config.ts';

/** The configuration a message reads, per file system. */
export type MessageContext = {
  /** The execution's ARN, when the builder has no state that carries it. */
  executionArn?: string;
  /** The Langfuse worker's log groups, for the Logs Insights link. */
  logGroups?: readonly string[];
  /** Slack user ids that may approve (the card mentions each). */
  approvers?: readonly string[];
  /** A Slack user group to mention on the card instead of each approver. */
  approverGroupId?: string;
};

/** The parts of the configuration a thread's messages read. */
export type ThreadConfig = Pick<
  AppConfig,
  'approvers' | 'approverGroupId' | 'fileSystems'
>;

/** The message context of a file system, from the configuration. */
export function messageContext(
  config: ThreadConfig | undefined,
  fileSystemId: string | undefined,
): MessageContext {
  if (!config) return {};
  const fs = fileSystemId
    ? findFileSystem(config as AppConfig, fileSystemId)
    : undefined;
  return {
    approvers: config.approvers,
    ...(config.approverGroupId
      ? { approverGroupId: config.approverGroupId }
      : {}),
    ...(fs?.insightsLogGroups?.length
      ? { logGroups: fs.insightsLogGroups }
      : {}),
  };
}
