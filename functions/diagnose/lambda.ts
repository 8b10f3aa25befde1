import { afterGatherSchema } from '../../shared/domain/contracts.ts';
import { defineStep } from '../../shared/runtime/step-handler.ts';
import { diagnoseState } from './core.ts';

/**
 * The Diagnose step. The finding is logged in full: if Slack is down it
 * is not lost.
 */
export const createDiagnoseHandler = defineStep('diagnose', {
  schema: afterGatherSchema,
  run: diagnoseState,
  log: (log, out, state) =>
    log.info('diagnosis', {
      fileSystemId: state.trigger.fileSystemId,
      verdict: out.diagnosis.verdict,
      confidence: out.diagnosis.confidence,
      findings: out.diagnosis.findings,
      action: out.recommendation.action,
      next: out.decision.next,
    }),
});
