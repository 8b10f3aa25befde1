import { defineEventStep } from '../../shared/runtime/step-handler.ts';
import {
  type AdvisorPorts,
  type AdvisorReport,
  type ApplyResult,
  runAdvisor,
  startQueuedApplies,
} from './core.ts';

/** Which of its two schedules invoked the advisor (SST Cron `event`). */
function kindOf(event: unknown): 'digest' | 'apply-queued' {
  return (event as { kind?: unknown } | null)?.kind === 'apply-queued'
    ? 'apply-queued'
    : 'digest';
}

type AdvisorRun =
  | ({ kind: 'digest' } & AdvisorReport)
  | { kind: 'apply-queued'; applies: ApplyResult[] };

/**
 * The advisor: the weekly digest on its schedule, and every few minutes
 * the runs its Apply button queued.
 */
export const createAdvisorHandler = defineEventStep('advisor', {
  run: async (event, ports: AdvisorPorts): Promise<AdvisorRun> =>
    kindOf(event) === 'apply-queued'
      ? { kind: 'apply-queued', applies: await startQueuedApplies(ports) }
      : { kind: 'digest', ...(await runAdvisor(ports)) },
  log: (log, run) => {
    if (run.kind === 'apply-queued') {
      for (const r of run.applies) {
        if (r.outcome === 'failed') log.error('queued apply', { ...r });
        else log.info('queued apply', { ...r });
      }
      return;
    }
    for (const r of run.results) {
      if (r.outcome === 'advised') {
        log.info('advice', {
          fileSystemId: r.fileSystemId,
          ...r.advice.recommendation,
          current: r.advice.current,
        });
      } else if (r.outcome === 'failed') {
        log.error('no advice', { ...r });
      } else {
        log.info('advice snoozed', { ...r });
      }
    }
    if (run.priceNote) log.warn('prices', { note: run.priceNote });
    if (run.slackError) {
      log.error('advice digest not delivered; it is kept here', {
        error: run.slackError,
        text: run.message?.text,
      });
    }
    if (run.chartError) {
      log.warn('advice charts not delivered', { error: run.chartError });
    }
  },
});
