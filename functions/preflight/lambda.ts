import type { Logger } from '@aws-lambda-powertools/logger';
import { stepHandler } from '../../shared/runtime/step-handler.ts';
import { type PreflightPorts, runPreflight } from './core.ts';

/** The scheduled preflight (an EventBridge schedule invokes it). */
export function createPreflightHandler(ports: PreflightPorts, logger?: Logger) {
  return stepHandler({
    serviceName: 'preflight',
    logger,
    parse: (event) => event,
    run: async (_, log) => {
      const report = await runPreflight(ports, ports.config.preflight);
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
      return report;
    },
  });
}
