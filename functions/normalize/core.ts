/**
 * Normalize: turns whatever started the execution into one Trigger. Accepts
 * the EventBridge "CloudWatch Alarm State Change" event (single-metric and
 * metric-math alarms) and the manual console input
 * `{"fileSystemId": "fs-...", "windowMinutes": 180, "dryRun": true}`;
 * rejects anything else with an error that names the bad field. A run may
 * ask for a lower remediation policy than the file system's (the manual
 * input's `policy`, an alarm's `burstguard:policy` tag), never a higher one.
 */
import type * as z from 'zod/mini';
import { type AppConfig, findFileSystem } from '../../shared/domain/config.ts';
import {
  type AlarmEvent,
  alarmEventSchema,
  FILE_SYSTEM_TAG,
  manualInputSchema,
  policySchema,
  type Trigger,
} from '../../shared/domain/contracts.ts';
import {
  InvalidTriggerError,
  UnknownFileSystemError,
} from '../../shared/domain/errors.ts';
import { effectivePolicy, POLICY_TAG } from '../../shared/domain/policy.ts';

export type NormalizePorts = { config: AppConfig; now: () => Date };

function firstIssue(error: z.core.$ZodError, prefix: string): string {
  const issue = error.issues[0];
  const path = issue?.path.join('.');
  const where = path
    ? `${prefix}${path}`
    : prefix.replace(/\.$/, '') || 'input';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/** Parses a JSON string trigger (a pasted event); objects pass through. */
function asObject(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidTriggerError(
        'trigger is not JSON: expected a CloudWatch alarm event or {"fileSystemId": "fs-..."}',
      );
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidTriggerError(
      'trigger must be a JSON object: a CloudWatch alarm event or {"fileSystemId": "fs-..."}',
    );
  }
  return value as Record<string, unknown>;
}

/** Reads the file system id an alarm is about. */
export function fileSystemOfAlarm(
  event: AlarmEvent,
  config: AppConfig,
): string | undefined {
  // 1. The FileSystemId dimension, also inside metric-math alarms, whose
  //    metrics list holds the expression and the metrics it reads.
  for (const metric of event.detail.configuration?.metrics ?? []) {
    const id = metric.metricStat?.metric.dimensions?.FileSystemId;
    if (id) return id;
  }
  // 2. The alarm's tags, where tag propagation puts them (detail.alarmTags;
  //    older events carried them at the top level).
  const tagged =
    event.detail.alarmTags?.[FILE_SYSTEM_TAG] ??
    event.alarmTags?.[FILE_SYSTEM_TAG];
  if (tagged) return tagged;
  // 3. A Langfuse log-metric alarm: its namespace is <base>/<fileSystemId>.
  for (const metric of event.detail.configuration?.metrics ?? []) {
    const namespace = metric.metricStat?.metric.namespace ?? '';
    if (namespace.startsWith(`${config.langfuseMetricNamespace}/`)) {
      const id = namespace.slice(config.langfuseMetricNamespace.length + 1);
      if (/^fs-[0-9a-f]{8,40}$/.test(id)) return id;
    }
  }
  // 4. The configuration: alarms listed by name for a file system.
  return config.fileSystems.find((f) =>
    f.alarmNames.includes(event.detail.alarmName),
  )?.fileSystemId;
}

/** The policy an alarm's `burstguard:policy` tag asks for, if any. */
function policyOfAlarm(event: AlarmEvent) {
  const tagged =
    event.detail.alarmTags?.[POLICY_TAG] ?? event.alarmTags?.[POLICY_TAG];
  if (tagged === undefined) return undefined;
  const parsed = policySchema.safeParse(tagged);
  if (!parsed.success) {
    throw new InvalidTriggerError(
      `alarm ${event.detail.alarmName}: tag ${POLICY_TAG} must be off, approve or auto, not ${JSON.stringify(tagged)}`,
    );
  }
  return parsed.data;
}

function alarmMetricName(event: AlarmEvent): string | undefined {
  const names = (event.detail.configuration?.metrics ?? [])
    .map((m) => m.metricStat?.metric.name)
    .filter((n): n is string => Boolean(n));
  return names.length ? [...new Set(names)].join('+') : undefined;
}

/**
 * An ISO 8601 time with a zone, as CloudWatch writes state timestamps
 * (2019-10-02T17:04:40.989+0000) and EventBridge writes `time`
 * (2019-10-02T17:04:40Z). Anything else (`1`, a year of six digits) is
 * refused rather than left to Date.parse, which reads `1` as 2001.
 */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
/** The earliest trigger time taken: before it, the clock or input is wrong. */
const EARLIEST_TRIGGER_MS = Date.UTC(2000, 0, 1);
/** How far after now a trigger time may be: clocks drift, not by a day. */
const MAX_FUTURE_MS = 24 * 60 * 60_000;

/**
 * The time a trigger names, or now when it names none. A time that is not
 * ISO 8601, before 2000 or more than a day after now is a trigger error:
 * the window would be computed from it.
 */
function triggerTime(field: string, text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const ms = ISO_TIME.test(text)
    ? Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
    : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidTriggerError(
      `${field}: ${JSON.stringify(text)} is not an ISO 8601 time (e.g. 2026-11-23T03:12:48.554+0000)`,
    );
  }
  if (ms < EARLIEST_TRIGGER_MS) {
    throw new InvalidTriggerError(`${field}: ${text} is before 2000`);
  }
  if (ms > now.getTime() + MAX_FUTURE_MS) {
    throw new InvalidTriggerError(
      `${field}: ${text} is more than a day after now (${now.toISOString()})`,
    );
  }
  return new Date(ms);
}

function window(end: Date, windowMinutes: number) {
  const start = new Date(end.getTime() - windowMinutes * 60_000);
  return { windowStart: start.toISOString(), windowEnd: end.toISOString() };
}

/** Turns a raw trigger into a Trigger, or throws a named error. */
export function normalizeTrigger(raw: unknown, ports: NormalizePorts): Trigger {
  const { config } = ports;
  const input = asObject(raw);

  if ('detail-type' in input || 'source' in input || 'detail' in input) {
    if (input['detail-type'] !== 'CloudWatch Alarm State Change') {
      throw new InvalidTriggerError(
        `detail-type: expected "CloudWatch Alarm State Change", got ${JSON.stringify(input['detail-type'] ?? null)}`,
      );
    }
    const parsed = alarmEventSchema.safeParse(input);
    if (!parsed.success) {
      throw new InvalidTriggerError(firstIssue(parsed.error, ''));
    }
    const event = parsed.data;
    const state = event.detail.state.value;
    if (state === 'INSUFFICIENT_DATA') {
      throw new InvalidTriggerError(
        'detail.state.value: INSUFFICIENT_DATA is not handled (only ALARM and OK)',
      );
    }
    const fileSystemId = fileSystemOfAlarm(event, config);
    if (!fileSystemId) {
      throw new UnknownFileSystemError(
        `alarm ${event.detail.alarmName} names no file system: no FileSystemId dimension, no ${FILE_SYSTEM_TAG} tag, and no configured file system lists it in alarmNames`,
      );
    }
    const fs = findFileSystem(config, fileSystemId);
    if (!fs) {
      throw new UnknownFileSystemError(
        `file system ${fileSystemId} (from alarm ${event.detail.alarmName}) is not configured for burstguard`,
      );
    }
    const requested = policyOfAlarm(event);
    const at =
      event.detail.state.timestamp !== undefined
        ? triggerTime(
            'detail.state.timestamp',
            event.detail.state.timestamp,
            ports.now(),
          )
        : triggerTime('time', event.time, ports.now());
    return {
      kind: 'alarm',
      fileSystemId,
      region: event.region,
      state,
      ...(event.detail.previousState
        ? { previousState: event.detail.previousState.value }
        : {}),
      alarmName: event.detail.alarmName,
      alarmReason: event.detail.state.reason,
      alarmMetric: alarmMetricName(event),
      triggeredAt: at.toISOString(),
      windowMinutes: config.defaultWindowMinutes,
      ...window(at, config.defaultWindowMinutes),
      dryRun: false,
      policy: effectivePolicy(fs.policy, requested),
      configuredPolicy: fs.policy,
      ...(requested
        ? {
            requestedPolicy: requested,
            policyRequestedBy: 'alarm-tag' as const,
          }
        : {}),
    };
  }

  const parsed = manualInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidTriggerError(firstIssue(parsed.error, ''));
  }
  const manual = parsed.data;
  const fs = findFileSystem(config, manual.fileSystemId);
  if (!fs) {
    throw new UnknownFileSystemError(
      `fileSystemId: ${manual.fileSystemId} is not configured for burstguard (configured: ${config.fileSystems.map((f) => f.fileSystemId).join(', ')})`,
    );
  }
  const at = triggerTime('at', manual.at, ports.now());
  const windowMinutes = manual.windowMinutes ?? config.defaultWindowMinutes;
  return {
    kind: 'manual',
    fileSystemId: manual.fileSystemId,
    region: config.region,
    state: 'ALARM',
    triggeredAt: at.toISOString(),
    windowMinutes,
    ...window(at, windowMinutes),
    dryRun: manual.dryRun ?? false,
    policy: effectivePolicy(fs.policy, manual.policy),
    configuredPolicy: fs.policy,
    ...(manual.policy
      ? {
          requestedPolicy: manual.policy,
          policyRequestedBy: 'run-input' as const,
        }
      : {}),
    note: manual.note,
    ...(manual.advice ? { advice: manual.advice } : {}),
  };
}
