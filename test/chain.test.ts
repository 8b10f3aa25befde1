/**
 * Feeds each step's output to the next step's schema, in the order the
 * state machine runs them, so a contract change that breaks a neighbour
 * fails here and not in AWS.
 */
import { describe, expect, it } from 'vitest';
import { collectClickHouse } from '../functions/collect-clickhouse/core.ts';
import { collectEfs } from '../functions/collect-efs/core.ts';
import { collectLangfuse } from '../functions/collect-langfuse/core.ts';
import { diagnoseState } from '../functions/diagnose/core.ts';
import { normalizeTrigger } from '../functions/normalize/core.ts';
import { notify } from '../functions/notify/core.ts';
import { openIncident } from '../functions/open-incident/core.ts';
import { remediate } from '../functions/remediate/core.ts';
import { resolveIncident } from '../functions/resolve-incident/core.ts';
import { configForRecording } from '../local/evidence.ts';
import { createMemoryIncidentStore } from '../local/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingMetricsPort,
} from '../local/recorded-ports.ts';
import { simulateScenario } from '../local/scenarios.ts';
import {
  afterDiagnoseSchema,
  afterGatherSchema,
  afterNormalizeSchema,
  afterNotifySchema,
  afterOpenSchema,
  afterRemediateSchema,
  diagnoseOutputSchema,
  gatherBranchSchema,
  incidentSchema,
  notificationSchema,
  notifyInputSchema,
  openIncidentInputSchema,
  remediateInputSchema,
  remediationSchema,
  requestApprovalInputSchema,
  resolveIncidentInputSchema,
  triggerSchema,
} from '../shared/domain/contracts.ts';

describe('the step chain', () => {
  it('hands every step an input its schema accepts', async () => {
    const recording = simulateScenario('credits-exhausted', {
      end: new Date('2026-11-23T03:12:00Z'),
    });
    const config = configForRecording(recording);
    const now = () => new Date(recording.meta.end);
    const store = createMemoryIncidentStore();
    const efs = recordingEfsPort(recording);
    const metrics = recordingMetricsPort(recording);
    const posted: unknown[] = [];
    const slack = {
      async postMessage(message: unknown) {
        posted.push(message);
        return { channel: 'C0INCIDENT', ts: '1763867568.000100' };
      },
    };

    // Normalize
    const trigger = triggerSchema.parse(
      normalizeTrigger(recording.trigger, { config, now }),
    );
    const afterNormalize = afterNormalizeSchema.parse({ trigger });

    // OpenIncident (its Parameters add the execution name)
    const openInput = openIncidentInputSchema.parse({
      ...afterNormalize,
      executionName: 'exec-1',
    });
    const incident = incidentSchema.parse(
      await openIncident(openInput, { store, config }),
    );
    const afterOpen = afterOpenSchema.parse({ ...afterNormalize, incident });

    // Gather: each branch's output is a gather branch
    const gathered = [
      await collectEfs(afterOpen.trigger, { efs, metrics, clock: { now } }),
      await collectLangfuse(afterOpen.trigger, {
        metrics,
        clock: { now },
        config,
      }),
      await collectClickHouse(afterOpen.trigger, {
        clickhouseFor: () => recordingClickHousePort(recording),
      }),
    ].map((b) => gatherBranchSchema.parse(b));
    const afterGather = afterGatherSchema.parse({ ...afterOpen, gathered });

    // Diagnose
    const result = diagnoseOutputSchema.parse(
      diagnoseState(afterGather, { config }),
    );
    const afterDiagnose = afterDiagnoseSchema.parse({ ...afterGather, result });
    expect(result.decision.next).toBe('request-approval');

    // Notify (Parameters: {kind, state})
    const notification = notificationSchema.parse(
      await notify(
        notifyInputSchema.parse({ kind: 'finding', state: afterDiagnose }),
        {
          slack,
          store,
          channel: config.slackChannel,
        },
      ),
    );
    const afterNotify = afterNotifySchema.parse({
      ...afterDiagnose,
      notification,
    });

    // RequestApproval (Payload: {taskToken, state}), then Remediate
    requestApprovalInputSchema.parse({
      taskToken: 'token',
      state: afterNotify,
    });
    const remediation = remediationSchema.parse(
      await remediate(
        remediateInputSchema.parse({
          ...afterNotify,
          approval: { approved: true, by: 'U0LOCAL' },
        }),
        { efs, store, clock: { now }, config },
      ),
    );
    expect(remediation.status).toBe('applied');
    const afterRemediate = afterRemediateSchema.parse({
      ...afterNotify,
      approval: { approved: true, by: 'U0LOCAL' },
      remediation,
    });

    // NotifyOutcome
    notifyInputSchema.parse({ kind: 'outcome', state: afterRemediate });
    expect(posted).toHaveLength(1);
  });

  it('hands the OK path from OpenIncident to ResolveIncident to NotifyResolved', async () => {
    // Prepare: an incident opened by the recording's alarm
    const recording = simulateScenario('credits-exhausted', {
      end: new Date('2026-11-23T03:12:00Z'),
    });
    const config = configForRecording(recording);
    const now = () => new Date('2026-11-23T03:40:00Z');
    const store = createMemoryIncidentStore();
    const alarm = triggerSchema.parse(
      normalizeTrigger(recording.trigger, { config, now }),
    );
    await openIncident(
      { trigger: alarm, executionName: 'exec-1' },
      { store, config },
    );
    const okEvent = structuredClone(recording.trigger) as {
      detail: { state: { value: string }; previousState?: { value: string } };
    };
    okEvent.detail.state.value = 'OK';
    okEvent.detail.previousState = { value: 'ALARM' };

    // Normalize -> OpenIncident (Parameters add the execution name)
    const ok = triggerSchema.parse(normalizeTrigger(okEvent, { config, now }));
    const incident = incidentSchema.parse(
      await openIncident(
        openIncidentInputSchema.parse({ trigger: ok, executionName: 'exec-2' }),
        { store, config },
      ),
    );
    expect(incident.next).toBe('quiet-check');

    // QuietPeriod passes the state on; ResolveIncident (ResultPath
    // $.incident)
    const resolved = incidentSchema.parse(
      await resolveIncident(
        resolveIncidentInputSchema.parse(
          afterOpenSchema.parse({ trigger: ok, incident }),
        ),
        {
          alarms: {
            async alarmStates(names) {
              return Object.fromEntries(names.map((n) => [n, 'OK' as const]));
            },
          },
          store,
          clock: { now },
        },
      ),
    );
    expect(resolved.next).toBe('resolved');

    // NotifyResolved (Parameters: {kind, state})
    const input = notifyInputSchema.parse({
      kind: 'resolved',
      state: { trigger: ok, incident: resolved },
    });
    expect(input.kind).toBe('resolved');
  });
});
