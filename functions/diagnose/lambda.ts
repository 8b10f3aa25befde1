import type { Logger } from '@aws-lambda-powertools/logger';
import { afterGatherSchema } from '../../shared/domain/contracts.ts';
import { parseState, stepHandler } from '../../shared/runtime/step-handler.ts';
import { type DiagnosePorts, diagnoseState } from './core.ts';

/** The Diagnose step. */
export function createDiagnoseHandler(ports: DiagnosePorts, logger?: Logger) {
  return stepHandler({
    serviceName: 'diagnose',
    logger,
    parse: (event) => parseState(afterGatherSchema, event),
    run: async (state, log) => {
      const out = diagnoseState(state, ports);
      // The finding is logged in full: if Slack is down it is not lost.
      log.info('diagnosis', {
        fileSystemId: state.trigger.fileSystemId,
        verdict: out.diagnosis.verdict,
        confidence: out.diagnosis.confidence,
        findings: out.diagnosis.findings,
        action: out.recommendation.action,
        next: out.decision.next,
      });
      return out;
    },
  });
}
