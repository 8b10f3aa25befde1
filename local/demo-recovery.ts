/**
 * The demo's recovery: the offline world (a loopback S3 server holding the
 * scenario's Langfuse events, the admin API double writing replayed events
 * into the demo's chDB) and the recovery a switch that worked starts, run
 * with its real steps (local/recovery-local.ts).
 */
import type { Session } from 'chdb';
import { createLangfuseAdmin } from '../shared/adapters/langfuse-admin.ts';
import type { AppConfig } from '../shared/domain/config.ts';
import type { Policy } from '../shared/domain/contracts.ts';
import { runLocalRecovery } from './recovery-local.ts';
import { type RecoveryWorld, startRecoveryWorld } from './recovery-world.ts';
import type { LocalRunOptions } from './run-recording.ts';

export type DemoRecovery = NonNullable<LocalRunOptions['recovery']> & {
  world: RecoveryWorld;
  close(): Promise<void>;
};

/**
 * Starts the world for a recording's window and returns the run option
 * that configures the recovery and runs it. The recovery's policy is the
 * run's; under `approve`, `approver` answers the offer.
 */
export async function startDemoRecovery(options: {
  window: { start: Date; end: Date };
  /** The demo's chDB session: the records that landed are written there. */
  session?: Session;
  policy: Policy;
  approver?: (offer: {
    runId: string;
    fileSystemId: string;
  }) => Promise<{ approved: boolean; by?: string } | undefined>;
}): Promise<DemoRecovery> {
  const world = await startRecoveryWorld({
    window: options.window,
    ...(options.session ? { chdbSession: options.session } : {}),
  });
  const langfuse = createLangfuseAdmin({
    baseUrl: world.langfuse.url,
    adminKey: world.langfuse.adminKey,
    timeoutMs: 10_000,
  });
  const configure = (config: AppConfig): AppConfig => ({
    ...config,
    recovery: { ...config.recovery, ownBucket: world.ownBucket },
    fileSystems: config.fileSystems.map((f) => ({
      ...f,
      recovery: {
        eventsBucket: world.eventsBucket,
        eventsPrefix: world.eventsPrefix,
        langfuseUrl: world.langfuse.url,
        langfuseInVpc: false,
        policy: options.policy,
      },
    })),
  });
  return {
    world,
    configure,
    async run(input, context) {
      const { report } = await runLocalRecovery(
        input,
        {
          config: context.config,
          clock: context.clock,
          s3: world.s3.client,
          langfuseFor: () => langfuse,
          clickhouseFor: () => world.clickhouse.port,
          slack: context.slack,
          store: context.store,
          ...(options.approver ? { approver: options.approver } : {}),
        },
        { onState: context.onState },
      );
      return report;
    },
    close: () => world.close(),
  };
}
