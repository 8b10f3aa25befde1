/**
 * PlanRecovery: reads the file system's recovery configuration, lists the
 * project folders of Langfuse's events bucket (ListObjectsV2, Delimiter
 * `/`), builds the prefixes the Distributed Map lists for the window
 * (otel uploads per hour, standard keys per project), and posts the run's
 * one progress message. Outside the VPC: it calls S3, DynamoDB and Slack.
 */
import type { AppConfig } from '../../shared/domain/config.ts';
import { findFileSystem } from '../../shared/domain/config.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import { recoveryProgressMessage } from '../../shared/domain/messages/recovery.ts';
import { effectivePolicy } from '../../shared/domain/policy.ts';
import type {
  EventsListingPort,
  RecoveryStore,
  SlackPort,
} from '../../shared/domain/ports.ts';
import {
  projectIdsOf,
  windowPrefixes,
} from '../../shared/domain/recovery/keys.ts';
import type {
  PlanRecoveryInput,
  RecoveryPlan,
} from '../../shared/domain/recovery/steps.ts';
import { zeroCounters } from '../../shared/domain/recovery/store.ts';

export type PlanRecoveryPorts = {
  config: Pick<AppConfig, 'fileSystems' | 'recovery' | 'slackChannel'>;
  listing: EventsListingPort;
  store: Pick<RecoveryStore, 'saveRecoveryMessage'>;
  /** Absent: no progress message (a run without Slack). */
  slack?: SlackPort;
};

/** The plan, and why the progress message is missing when it is. */
export type PlanRecoveryOutput = RecoveryPlan & { progressError?: string };

/** Builds the plan; S3 errors propagate (the Task retries or fails). */
export async function planRecovery(
  { input, executionId }: PlanRecoveryInput,
  ports: PlanRecoveryPorts,
): Promise<PlanRecoveryOutput> {
  const { config } = ports;
  const fs = findFileSystem(config as AppConfig, input.fileSystemId);
  const settings = fs?.recovery;
  const base = {
    runId: executionId,
    fileSystemId: input.fileSystemId,
    window: input.window,
    dryRun: input.dryRun ?? false,
    batchSize: config.recovery.batchSize,
    maxConcurrency: config.recovery.maxConcurrency,
    ...(input.thread ? { thread: input.thread } : {}),
    ...(input.incidentId ? { incidentId: input.incidentId } : {}),
    ...(input.droppedRecords !== undefined
      ? { droppedRecords: input.droppedRecords }
      : {}),
  };
  if (!settings) {
    return {
      ...base,
      status: 'not-configured',
      policy: 'off',
      bucket: '',
      eventsPrefix: '',
      prefixes: [],
      cursor: { index: 0, count: 0 },
      reason: fs
        ? `${input.fileSystemId} has no recovery configuration (fileSystems[].recovery: eventsBucket, langfuseUrl)`
        : `${input.fileSystemId} is not a file system of this configuration`,
    };
  }
  const { eventsBucket: bucket, eventsPrefix } = settings;
  const [standard, otel] = await Promise.all([
    ports.listing.listPrefixes({ bucket, prefix: eventsPrefix }),
    ports.listing.listPrefixes({ bucket, prefix: `${eventsPrefix}otel/` }),
  ]);
  const prefixes = windowPrefixes(
    {
      standard: projectIdsOf(standard, eventsPrefix),
      otel: projectIdsOf(otel, `${eventsPrefix}otel/`),
    },
    input.window,
    eventsPrefix,
  );
  const plan: PlanRecoveryOutput = {
    ...base,
    status: 'ready',
    policy: effectivePolicy(settings.policy, input.policy),
    bucket,
    eventsPrefix,
    prefixes,
    cursor: { index: 0, count: prefixes.length },
  };
  if (!ports.slack) return plan;
  const channel = input.thread?.channel ?? config.slackChannel;
  const message = recoveryProgressMessage(
    {
      runId: executionId,
      fileSystemId: input.fileSystemId,
      window: input.window,
      phase: 'count',
      counters: zeroCounters(),
    },
    channel,
    input.thread?.ts,
  );
  try {
    const posted = await ports.slack.postMessage(message);
    await ports.store.saveRecoveryMessage({
      runId: executionId,
      channel: posted.channel,
      ts: posted.ts,
      fileSystemId: input.fileSystemId,
      window: input.window,
    });
    plan.progress = { channel: posted.channel, ts: posted.ts };
  } catch (error) {
    // The replay does not need the message: it is reported, not thrown.
    plan.progressError = oneLine(error);
  }
  return plan;
}
