import { defineEventStep } from '../../shared/runtime/step-handler.ts';
import { type AdvisorPorts, runAdvisor } from './core.ts';

/** The weekly advisor (an EventBridge schedule invokes it). */
export const createAdvisorHandler = defineEventStep('advisor', {
  run: (_, ports: AdvisorPorts) => runAdvisor(ports),
  log: (log, report) => {
    for (const r of report.results) {
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
    if (report.priceNote) log.warn('prices', { note: report.priceNote });
    if (report.slackError) {
      log.error('advice digest not delivered; it is kept here', {
        error: report.slackError,
        text: report.message?.text,
      });
    }
    if (report.chartError) {
      log.warn('advice charts not delivered', { error: report.chartError });
    }
  },
});
