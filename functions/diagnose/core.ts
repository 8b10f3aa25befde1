/**
 * Diagnose: the Gather results become Evidence (a caught branch becomes an
 * unavailable source with its reason), the pure engine ranks the verdicts,
 * and the policy decides what the workflow does next. The policy is the
 * configured one, lowered (never raised) by what the run asked for; `auto`
 * acts alone only above the confidence floor and with no contradiction
 * between sources, and otherwise asks an approver.
 */

import { withAdvice } from '../../shared/domain/advisor/apply.ts';
import type { AppConfig } from '../../shared/domain/config.ts';
import { findFileSystem } from '../../shared/domain/config.ts';
import type {
  AfterGather,
  ClickHouseEvidence,
  Decision,
  DiagnoseOutput,
  Diagnosis,
  EfsEvidence,
  Evidence,
  LangfuseEvidence,
  Policy,
  Recommendation,
  Source,
  Trigger,
} from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { policyOfRun } from '../../shared/domain/policy.ts';
import { remediationGate } from '../../shared/domain/remediations.ts';

export type DiagnosePorts = { config: AppConfig };

type Gathered = AfterGather['gathered'][number];

/** One line from a Step Functions error: Lambda's JSON Cause or plain text. */
export function reasonFromCaught(caught: {
  Error: string;
  Cause?: string;
}): string {
  if (caught.Error === 'States.Timeout') {
    return 'the collector timed out (States.Timeout)';
  }
  const cause = caught.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as {
      errorType?: string;
      errorMessage?: string;
    };
    if (parsed && typeof parsed === 'object' && parsed.errorMessage) {
      return `${parsed.errorType ?? caught.Error}: ${parsed.errorMessage}`;
    }
  } catch {
    // Not JSON: a plain cause string.
  }
  return cause ? `${caught.Error}: ${cause}` : caught.Error;
}

function pick<S extends Source>(gathered: Gathered[], source: S) {
  const found = gathered.find((g) => g.source === source);
  if (!found) {
    return { source, available: false as const, reason: 'not gathered' };
  }
  if ('caught' in found) {
    return {
      source,
      available: false as const,
      reason: reasonFromCaught(found.caught),
      errorName: found.caught.Error,
    };
  }
  return found;
}

/** The Gather branch outputs as one Evidence object. */
export function evidenceFromGathered(gathered: Gathered[]): Evidence {
  return {
    efs: pick(gathered, 'efs') as EfsEvidence,
    langfuse: pick(gathered, 'langfuse') as LangfuseEvidence,
    clickhouse: pick(gathered, 'clickhouse') as ClickHouseEvidence,
  };
}

/** The policy of this run under the configuration, and who asked. */
export function runPolicy(trigger: Trigger, config: AppConfig) {
  return policyOfRun(
    trigger,
    findFileSystem(config, trigger.fileSystemId)?.policy,
  );
}

/** Why `auto` asks a person this time, or an empty list. */
export function autoHolds(diagnosis: Diagnosis, config: AppConfig): string[] {
  const holds: string[] = [];
  const floor = config.autoConfidenceFloor;
  if (diagnosis.confidence < floor) {
    holds.push(
      `confidence ${Math.round(diagnosis.confidence * 100)}% is below the ${Math.round(floor * 100)}% floor for acting alone (autoConfidenceFloor)`,
    );
  }
  for (const c of diagnosis.contradictions ?? []) {
    holds.push(`sources contradict each other (${c.id}): ${c.detail}`);
  }
  return holds;
}

/** Where the workflow goes after the finding is posted. */
export function decide(
  trigger: Trigger,
  evidence: Evidence,
  diagnosis: Diagnosis,
  recommendation: Recommendation,
  config: AppConfig,
): Decision {
  const policy = runPolicy(trigger, config);
  return {
    ...route(
      policy.effective,
      trigger,
      evidence,
      diagnosis,
      recommendation,
      config,
    ),
    policy,
  };
}

/** The next state under the policy in force; the policy is added by decide. */
function route(
  effective: Policy,
  trigger: Trigger,
  evidence: Evidence,
  diagnosis: Diagnosis,
  recommendation: Recommendation,
  config: AppConfig,
): Omit<Decision, 'policy'> {
  const refusal = remediationGate({
    action: recommendation.action,
    trigger,
    policy: effective,
    config,
    // Not the life-cycle state: minutes old here, Remediate reads it anew.
    fileSystem: evidence.efs.available
      ? {
          performanceMode: evidence.efs.fileSystem.performanceMode,
          throughputMode: evidence.efs.fileSystem.throughputMode,
        }
      : undefined,
  });
  if (refusal) return { next: 'done', reason: refusal.decided };
  if (trigger.dryRun) {
    return {
      next: 'remediate',
      reason: 'dry run: print the UpdateFileSystem call, change nothing',
    };
  }
  if (effective === 'auto') {
    const holds = autoHolds(diagnosis, config);
    if (holds.length === 0) {
      return { next: 'remediate', reason: 'policy is auto' };
    }
    return {
      next: 'request-approval',
      reason: `policy is auto, but it acts alone only with confidence at or above ${Math.round(config.autoConfidenceFloor * 100)}% and no contradiction between sources: ${holds.join('; ')}. Waiting for an approver (verdict ${diagnosis.verdict})`,
    };
  }
  return {
    next: 'request-approval',
    reason: `policy is approve: waiting for an approver (verdict ${diagnosis.verdict})`,
  };
}

/** Diagnoses the gathered evidence and decides the next step. */
export function diagnoseState(
  state: AfterGather,
  ports: DiagnosePorts,
): DiagnoseOutput {
  const evidence = evidenceFromGathered(state.gathered);
  const diagnosed = diagnose(evidence, {
    region: state.trigger.region,
    windowStart: state.trigger.windowStart,
    windowEnd: state.trigger.windowEnd,
    ...(ports.config.prices ? { prices: ports.config.prices } : {}),
    // The one Provisioned sizing rule, as the configuration sets it.
    sizing: {
      headroomPercent: ports.config.advisor.headroomPercent,
      tolerancePercent: ports.config.advisor.tolerancePercent,
    },
  });
  const { diagnosis } = diagnosed;
  // A run the weekly advice's Apply started does what the advice says.
  const recommendation = withAdvice(state.trigger, diagnosed.recommendation);
  const decision = decide(
    state.trigger,
    evidence,
    diagnosis,
    recommendation,
    ports.config,
  );
  return { diagnosis, recommendation, decision };
}
