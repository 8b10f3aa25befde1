import { defineEventStep } from '../../shared/runtime/step-handler.ts';
import { type PreflightPorts, runPreflight } from './core.ts';

/** The scheduled preflight (an EventBridge schedule invokes it). */
export const createPreflightHandler = defineEventStep('preflight', {
  run: (_, ports: PreflightPorts) =>
    runPreflight(ports, ports.config.preflight),
  log: (log, report) => {
    for (const r of report.results) {
      log.info('preflight', { ...r });
    }
    for (const { message: _message, ...r } of report.incidents ?? []) {
      if (r.outcome === 'failed' || r.slackError) {
        log.error('incident check', { ...r });
      } else {
        log.info('incident check', { ...r });
      }
    }
    if (report.slackError) {
      log.error('preflight warning not delivered; it is kept here', {
        error: report.slackError,
        text: report.message?.text,
      });
    }
  },
});
