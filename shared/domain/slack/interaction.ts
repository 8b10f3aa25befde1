/**
 * The Approve and Decline buttons of the approval card, as Slack sends them
 * back: a `block_actions` interaction, form-encoded as `payload=<JSON>`
 * (Slack docs, "Handling user interaction").
 *
 * The button value carries the incident and file system ids, never the Step
 * Functions task token: Slack caps a button value at 2,000 characters,
 * while the token's length is Step Functions' to choose and has grown
 * before (older SDK models capped it at 1,024 characters, later ones allow
 * more). RequestApproval saves the token in the incident store under the
 * incident; the interaction takes it back from there, once, so a second
 * click cannot answer the task again.
 */
import * as z from 'zod/mini';
import { schema } from '../schema.ts';

/** `action_id`s of the two buttons. */
export const APPROVE_ACTION_ID = 'approve';
export const DECLINE_ACTION_ID = 'decline';
/** `block_id` of the actions block holding them. */
export const APPROVAL_BLOCK_ID = 'burstguard-approval';
/** `action_id`s of the recovery offer's two buttons. */
export const RECOVERY_APPROVE_ACTION_ID = 'recovery-approve';
export const RECOVERY_DECLINE_ACTION_ID = 'recovery-decline';
/** `block_id` of the recovery offer's actions block. */
export const RECOVERY_BLOCK_ID = 'burstguard-recovery';
/** Slack's limit on a button's `value` (Block Kit reference, button). */
export const SLACK_BUTTON_VALUE_MAX_CHARS = 2_000;

const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;

const buttonValueSchema = /* @__PURE__ */ schema(() =>
  z.object({
    incidentId: z.string().check(z.minLength(1)),
    fileSystemId: z.optional(z.string().check(z.regex(FILE_SYSTEM_ID))),
  }),
);

/** What an approval button's value says. */
export type ApprovalButtonValue = {
  incidentId: string;
  fileSystemId: string;
};

/**
 * The value both buttons carry: compact JSON with the incident and file
 * system ids. Throws when it would not fit Slack's 2,000 characters.
 */
export function encodeApprovalValue(value: ApprovalButtonValue): string {
  return buttonValue('approval', {
    incidentId: value.incidentId,
    fileSystemId: value.fileSystemId,
  });
}

/** Compact JSON, or a RangeError when it would not fit a button value. */
function buttonValue(what: string, value: Record<string, string>): string {
  const text = JSON.stringify(value);
  if (text.length > SLACK_BUTTON_VALUE_MAX_CHARS) {
    throw new RangeError(
      `${what} button value is ${text.length} characters, Slack allows ${SLACK_BUTTON_VALUE_MAX_CHARS}`,
    );
  }
  return text;
}

const recoveryValueSchema = /* @__PURE__ */ schema(() =>
  z.object({
    runId: z.string().check(z.minLength(1)),
    fileSystemId: z.string().check(z.regex(FILE_SYSTEM_ID)),
  }),
);

/**
 * The value of the recovery offer's buttons: the run (its execution id)
 * and the file system. The task token stays in the recovery store.
 */
export function encodeRecoveryValue(value: {
  runId: string;
  fileSystemId: string;
}): string {
  return buttonValue('recovery', {
    runId: value.runId,
    fileSystemId: value.fileSystemId,
  });
}

function decodeRecoveryValue(
  text: string,
): { incidentId: string; fileSystemId: string } | undefined {
  try {
    const parsed = recoveryValueSchema.safeParse(JSON.parse(text));
    return parsed.success
      ? {
          incidentId: parsed.data.runId,
          fileSystemId: parsed.data.fileSystemId,
        }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a button value. A value without `fileSystemId` takes it from an
 * incident id of the form `fs-…/<time>`, which is how OpenIncident names
 * incidents.
 */
export function decodeApprovalValue(
  text: string,
): ApprovalButtonValue | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = buttonValueSchema.safeParse(raw);
  if (!parsed.success) {
    return undefined;
  }
  const { incidentId } = parsed.data;
  const fileSystemId =
    parsed.data.fileSystemId ?? incidentId.split('/')[0] ?? '';
  if (!FILE_SYSTEM_ID.test(fileSystemId)) {
    return undefined;
  }
  return { incidentId, fileSystemId };
}

const payloadSchema = /* @__PURE__ */ schema(() =>
  z.object({
    type: z.string(),
    user: z.object({
      id: z.string().check(z.minLength(1)),
      username: z.optional(z.string()),
      name: z.optional(z.string()),
    }),
    actions: z.optional(
      z.array(
        z.object({
          action_id: z.string(),
          block_id: z.optional(z.string()),
          value: z.optional(z.string()),
          action_ts: z.optional(z.string()),
        }),
      ),
    ),
    container: z.optional(
      z.object({
        message_ts: z.optional(z.string()),
        channel_id: z.optional(z.string()),
      }),
    ),
    channel: z.optional(z.object({ id: z.string() })),
    // Only the card's ts: its blocks, as Slack sends them back, are never
    // reused (the answered card is built from trusted fields).
    message: z.optional(z.object({ ts: z.string() })),
    response_url: z.optional(z.string()),
  }),
);

/** A button press by an allowed approver. */
export type ApprovalDecision = {
  approved: boolean;
  /**
   * `recovery` for the recovery offer's buttons, whose `incidentId` is
   * then the recovery run's id; absent for the remediation card.
   */
  subject?: 'recovery';
  incidentId: string;
  fileSystemId: string;
  userId: string;
  userName?: string;
  /** Where the card is, to update it in place. */
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
};

export type InteractionResult =
  /** An approver pressed Approve or Decline. */
  | { kind: 'decision'; decision: ApprovalDecision }
  /** Someone not on the approvers list pressed a button. */
  | {
      kind: 'forbidden';
      reason: string;
      userId: string;
      incidentId: string;
      fileSystemId: string;
      approved: boolean;
      /** Where to tell them so (the payload's `response_url`). */
      responseUrl?: string;
    }
  /** A well-formed interaction that is not an approval button. */
  | { kind: 'ignored'; reason: string }
  /** Not a Slack interaction payload at all. */
  | { kind: 'invalid'; reason: string };

/** The JSON of the `payload` field of a form-encoded interaction body. */
export function readInteractionPayload(rawBody: string): unknown {
  const payload = new URLSearchParams(rawBody).get('payload');
  if (payload === null) {
    throw new SyntaxError('body has no payload field');
  }
  return JSON.parse(payload);
}

/** The buttons an approver may press: the approval card's and the offer's. */
const BUTTONS: Record<
  string,
  {
    approved: boolean;
    blockId: string;
    card: string;
    subject?: 'recovery';
    decode(
      text: string,
    ): { incidentId: string; fileSystemId: string } | undefined;
  }
> = {
  [APPROVE_ACTION_ID]: {
    approved: true,
    blockId: APPROVAL_BLOCK_ID,
    card: 'approval card',
    decode: decodeApprovalValue,
  },
  [DECLINE_ACTION_ID]: {
    approved: false,
    blockId: APPROVAL_BLOCK_ID,
    card: 'approval card',
    decode: decodeApprovalValue,
  },
  [RECOVERY_APPROVE_ACTION_ID]: {
    approved: true,
    blockId: RECOVERY_BLOCK_ID,
    card: 'recovery offer',
    subject: 'recovery',
    decode: decodeRecoveryValue,
  },
  [RECOVERY_DECLINE_ACTION_ID]: {
    approved: false,
    blockId: RECOVERY_BLOCK_ID,
    card: 'recovery offer',
    subject: 'recovery',
    decode: decodeRecoveryValue,
  },
};

/**
 * Reads a Slack interaction body (after its signature was checked) and
 * says what to do: a decision only for an approval button pressed by a
 * user on `approvers`. Declining needs an approver too, or anyone in the
 * channel could cancel a remediation. An empty list allows nobody.
 */
export function parseApprovalInteraction(input: {
  rawBody: string;
  approvers: readonly string[];
}): InteractionResult {
  let raw: unknown;
  try {
    raw = readInteractionPayload(input.rawBody);
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : 'unreadable';
    return { kind: 'invalid', reason: `not an interaction payload: ${why}` };
  }
  const parsed = payloadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'invalid',
      reason: `interaction payload ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const payload = parsed.data;
  if (payload.type !== 'block_actions') {
    return { kind: 'ignored', reason: `interaction type ${payload.type}` };
  }
  // One click sends one action (Slack docs, block_actions payload).
  const action = payload.actions?.[0];
  const button = action ? BUTTONS[action.action_id] : undefined;
  if (!action || !button) {
    return {
      kind: 'ignored',
      reason: `action ${action?.action_id ?? '(none)'} is not an approval button`,
    };
  }
  if (action.block_id !== undefined && action.block_id !== button.blockId) {
    return {
      kind: 'ignored',
      reason: `block ${action.block_id} is not the ${button.card}`,
    };
  }
  const value = action.value ? button.decode(action.value) : undefined;
  if (!value) {
    return {
      kind: 'invalid',
      reason: `${button.subject ?? 'approval'} button value is malformed`,
    };
  }
  const approved = button.approved;
  const userId = payload.user.id;
  if (!input.approvers.includes(userId)) {
    return {
      kind: 'forbidden',
      reason: `${userId} is not on the approvers list`,
      userId,
      approved,
      ...value,
      ...(payload.response_url ? { responseUrl: payload.response_url } : {}),
    };
  }
  const decision: ApprovalDecision = {
    approved,
    ...(button.subject ? { subject: button.subject } : {}),
    ...value,
    userId,
  };
  const userName = payload.user.username ?? payload.user.name;
  const channelId = payload.container?.channel_id ?? payload.channel?.id;
  const messageTs = payload.container?.message_ts ?? payload.message?.ts;
  if (userName) decision.userName = userName;
  if (channelId) decision.channelId = channelId;
  if (messageTs) decision.messageTs = messageTs;
  if (payload.response_url) decision.responseUrl = payload.response_url;
  return { kind: 'decision', decision };
}

/**
 * The output for SendTaskSuccess: what RequestApproval's ResultPath puts at
 * `$.approval` (afterRemediateSchema). A decline is a success with
 * `approved: false`, so Remediate reports it as refused.
 */
export function approvalTaskOutput(decision: ApprovalDecision): {
  approved: boolean;
  by: string;
} {
  return { approved: decision.approved, by: decision.userId };
}

/**
 * How long an approval card waits for a person: the RequestApproval task's
 * timeout in the state machine. Until then, approving still resumes the
 * run and switches the file system, even after the incident resolved.
 */
export const APPROVAL_TIMEOUT_SECONDS = 3600;
