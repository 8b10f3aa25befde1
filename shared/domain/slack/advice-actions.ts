/**
 * The weekly advice's two buttons, as Slack sends them back in a
 * `block_actions` interaction (Slack docs, "Handling user interaction"):
 * `advice-apply` starts a remediation run for the recommended switch (the
 * state machine's manual input, so the allowlist, the approvers, the lock
 * and Verify all apply), `advice-snooze` hides the file system's advice
 * for some weeks. The value carries only checked ids and numbers.
 */
import { z } from 'zod';
import { SLACK_BUTTON_VALUE_MAX_CHARS } from './interaction.ts';

export const ADVICE_APPLY_ACTION_ID = 'advice-apply';
export const ADVICE_SNOOZE_ACTION_ID = 'advice-snooze';

const valueSchema = z.object({
  fileSystemId: z.string().regex(/^fs-[0-9a-f]{8,40}$/),
  mode: z.enum(['bursting', 'provisioned', 'elastic']).optional(),
  provisionedMibps: z.number().int().min(1).max(3414).optional(),
  weeks: z.number().int().min(1).max(52).optional(),
});

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
