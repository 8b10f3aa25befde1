/**
 * The weekly advice's two buttons, as Slack sends them back in a
 * `block_actions` interaction (Slack docs, "Handling user interaction"):
 * `advice-apply` starts a remediation run for the recommended switch (the
 * state machine's manual input, so the allowlist, the approvers, the lock
 * and Verify all apply), `advice-snooze` hides the file system's advice
 * for some weeks. The value carries only checked ids and numbers.
 */
import * as z from 'zod/mini';
import { schema } from '../schema.ts';
import {
  readInteractionPayload,
  SLACK_BUTTON_VALUE_MAX_CHARS,
} from './interaction.ts';

export const ADVICE_APPLY_ACTION_ID = 'advice-apply';
export const ADVICE_SNOOZE_ACTION_ID = 'advice-snooze';

/**
 * How often the advisor starts the runs queued by Apply (its second
 * schedule, infra/functions.ts ADVICE_APPLY_SCHEDULE).
 */
export const ADVICE_APPLY_POLL_MINUTES = 5;

const valueSchema = /* @__PURE__ */ schema(() =>
  z.object({
    fileSystemId: z.string().check(z.regex(/^fs-[0-9a-f]{8,40}$/)),
    mode: z.optional(z.enum(['bursting', 'provisioned', 'elastic'])),
    provisionedMibps: z.optional(
      z.number().check(z.int(), z.gte(1), z.lte(3414)),
    ),
    weeks: z.optional(z.number().check(z.int(), z.gte(1), z.lte(52))),
  }),
);

/** What an advice button's value says. */
export type AdviceButtonValue = z.infer<typeof valueSchema>;

/** The value of an advice button; throws past Slack's 2,000 characters. */
export function encodeAdviceValue(value: AdviceButtonValue): string {
  const text = JSON.stringify(valueSchema.parse(value));
  if (text.length > SLACK_BUTTON_VALUE_MAX_CHARS) {
    throw new RangeError(`advice button value is ${text.length} characters`);
  }
  return text;
}

/** Reads an advice button's value; undefined when it is not one. */
export function decodeAdviceValue(text: string): AdviceButtonValue | undefined {
  try {
    const parsed = valueSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** An advice button pressed, as the interactions endpoint reads it. */
export type AdviceClick =
  | {
      kind: 'advice';
      action: 'apply' | 'snooze';
      value: AdviceButtonValue;
      userId: string;
      allowed: boolean;
      responseUrl?: string;
    }
  | { kind: 'invalid'; reason: string };

/**
 * Reads an interaction body (after its signature was checked): an advice
 * click, or undefined when the body is something else (the approval
 * buttons, another interaction). Only `approvers` may use either button.
 */
export function parseAdviceClick(input: {
  rawBody: string;
  approvers: readonly string[];
}): AdviceClick | undefined {
  let raw: unknown;
  try {
    raw = readInteractionPayload(input.rawBody);
  } catch {
    return undefined;
  }
  const payload = raw as {
    type?: unknown;
    user?: { id?: unknown };
    actions?: { action_id?: unknown; value?: unknown }[];
    response_url?: unknown;
  };
  if (payload?.type !== 'block_actions') return undefined;
  const action = Array.isArray(payload.actions)
    ? payload.actions[0]
    : undefined;
  const id = action?.action_id;
  if (id !== ADVICE_APPLY_ACTION_ID && id !== ADVICE_SNOOZE_ACTION_ID) {
    return undefined;
  }
  const userId = payload.user?.id;
  const value =
    typeof action?.value === 'string'
      ? decodeAdviceValue(action.value)
      : undefined;
  if (typeof userId !== 'string' || !userId || !value) {
    return { kind: 'invalid', reason: 'advice button value is malformed' };
  }
  if (id === ADVICE_APPLY_ACTION_ID && !value.mode) {
    return { kind: 'invalid', reason: 'apply button names no mode' };
  }
  if (id === ADVICE_SNOOZE_ACTION_ID && !value.weeks) {
    return { kind: 'invalid', reason: 'snooze button names no weeks' };
  }
  return {
    kind: 'advice',
    action: id === ADVICE_APPLY_ACTION_ID ? 'apply' : 'snooze',
    value,
    userId,
    allowed: input.approvers.includes(userId),
    ...(typeof payload.response_url === 'string'
      ? { responseUrl: payload.response_url }
      : {}),
  };
}
