/**
 * What Slack refuses in a chat.postMessage or chat.update, so the Slack
 * double refuses it too. From Slack's documentation:
 *
 * - Block Kit reference, "Blocks": up to 50 blocks in a message; a section's
 *   `text` at most 3,000 characters, its `fields` at most 10 of at most
 *   2,000 characters each; a header's `text` (plain_text) at most 150; a
 *   context at most 10 elements; an actions block at most 25 elements;
 *   `block_id` at most 255.
 * - Block Kit reference, "Text object"
 *   (https://docs.slack.dev/reference/block-kit/composition-objects/text-object):
 *   `text` at most 3,000 characters; so each text element of a context
 *   block (https://docs.slack.dev/reference/block-kit/blocks/context-block,
 *   which sets no lower limit of its own; 2,000 is the limit of a section's
 *   `fields`, not of a context) is held to 3,000.
 * - Secondary message attachments reference
 *   (https://api.slack.com/reference/messaging/attachments): an attachment's
 *   `blocks` is "an array of layout blocks" in the same format as a
 *   message's, so the same limits hold for each `attachments[i].blocks`
 *   (the root message's status line travels there).
 * - Block Kit reference, "Button element": `text` at most 75 characters,
 *   `value` at most 2,000, `action_id` at most 255, `url` at most 3,000.
 * - Block Kit reference, "Confirmation dialog object"
 *   (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object):
 *   `title` plain_text of at most 100 characters, `text` at most 300,
 *   `confirm` and `deny` plain_text of at most 30 each, `style` `primary`
 *   or `danger`.
 * - chat.postMessage reference: `invalid_blocks` ("Blocks submitted with
 *   this message are not valid"), `msg_too_long` ("Message text is too
 *   long"), `not_in_channel`. Slack's changelog "Truncating really long
 *   messages" (2018-04) puts the text limit at 40,000 characters; the
 *   double refuses longer text with `msg_too_long` rather than truncating,
 *   the stricter of the two readings.
 *
 * The answer has the shape Slack gives, e.g. `{ok: false, error:
 * 'invalid_blocks', errors: ['must be less than 3001 characters
 * [json-pointer:/blocks/0/text/text]'], response_metadata: {messages:
 * ['[ERROR] ...']}}`.
 */

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  textChars: 40_000,
  sectionTextChars: 3_000,
  sectionFields: 10,
  sectionFieldChars: 2_000,
  headerTextChars: 150,
  contextElements: 10,
  textObjectChars: 3_000,
  actionsElements: 25,
  buttonTextChars: 75,
  buttonValueChars: 2_000,
  actionIdChars: 255,
  blockIdChars: 255,
  urlChars: 3_000,
  confirmTitleChars: 100,
  confirmTextChars: 300,
  confirmButtonChars: 30,
} as const;

export type SlackRefusal = {
  ok: false;
  error: 'invalid_blocks' | 'msg_too_long';
  errors?: string[];
  response_metadata?: { messages: string[] };
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Length as Slack counts characters: code points, not UTF-16 units. */
const chars = (s: string) => [...s].length;

function textOf(v: unknown): string | undefined {
  if (isObj(v) && typeof v.text === 'string') return v.text;
  return undefined;
}

/**
 * The problems of one set of blocks, as Slack words them; `base` is the
 * JSON pointer of the array (`/blocks`, or `/attachments/0/blocks`).
 */
export function blockProblems(blocks: unknown, base = '/blocks'): string[] {
  const problems: string[] = [];
  const tooLong = (max: number, pointer: string) =>
    problems.push(
      `must be less than ${max + 1} characters [json-pointer:${pointer}]`,
    );
  const check = (value: string | undefined, max: number, pointer: string) => {
    if (value !== undefined && chars(value) > max) tooLong(max, pointer);
  };
  /** The array at `pointer` (empty when absent), refused past `max` items. */
  const items = (value: unknown, max: number, pointer: string): unknown[] => {
    const list = Array.isArray(value) ? value : [];
    if (list.length > max) {
      problems.push(
        `no more than ${max} items allowed [json-pointer:${pointer}]`,
      );
    }
    return list;
  };
  /** A confirmation dialog's fields, each at its own limit. */
  const confirmProblems = (confirm: unknown, at: string) => {
    if (!isObj(confirm)) {
      problems.push(`must be an object [json-pointer:${at}]`);
      return;
    }
    const fields: [string, number, boolean][] = [
      ['title', SLACK_LIMITS.confirmTitleChars, true],
      ['text', SLACK_LIMITS.confirmTextChars, false],
      ['confirm', SLACK_LIMITS.confirmButtonChars, true],
      ['deny', SLACK_LIMITS.confirmButtonChars, true],
    ];
    for (const [name, max, plainOnly] of fields) {
      const field = confirm[name];
      if (!isObj(field) || typeof field.text !== 'string') {
        problems.push(
          `must provide a text object [json-pointer:${at}/${name}]`,
        );
        continue;
      }
      if (plainOnly && field.type !== 'plain_text') {
        problems.push(
          `must be a plain_text object [json-pointer:${at}/${name}]`,
        );
      }
      check(field.text, max, `${at}/${name}/text`);
    }
    if (
      confirm.style !== undefined &&
      confirm.style !== 'primary' &&
      confirm.style !== 'danger'
    ) {
      problems.push(`must be primary or danger [json-pointer:${at}/style]`);
    }
  };
  if (!Array.isArray(blocks)) {
    return [`must be an array [json-pointer:${base}]`];
  }
  items(blocks, SLACK_LIMITS.blocksPerMessage, base);
  blocks.forEach((block, i) => {
    const at = `${base}/${i}`;
    if (!isObj(block)) {
      problems.push(`must be an object [json-pointer:${at}]`);
      return;
    }
    if (typeof block.block_id === 'string') {
      check(block.block_id, SLACK_LIMITS.blockIdChars, `${at}/block_id`);
    }
    switch (block.type) {
      case 'section': {
        check(
          textOf(block.text),
          SLACK_LIMITS.sectionTextChars,
          `${at}/text/text`,
        );
        const fields = items(
          block.fields,
          SLACK_LIMITS.sectionFields,
          `${at}/fields`,
        );
        fields.forEach((f, k) => {
          check(
            textOf(f),
            SLACK_LIMITS.sectionFieldChars,
            `${at}/fields/${k}/text`,
          );
        });
        if (block.text === undefined && fields.length === 0) {
          problems.push(
            `must provide either text or fields [json-pointer:${at}]`,
          );
        }
        break;
      }
      case 'header':
        check(
          textOf(block.text),
          SLACK_LIMITS.headerTextChars,
          `${at}/text/text`,
        );
        if (isObj(block.text) && block.text.type !== 'plain_text') {
          problems.push(
            `must be a plain_text object [json-pointer:${at}/text]`,
          );
        }
        break;
      case 'context':
        items(
          block.elements,
          SLACK_LIMITS.contextElements,
          `${at}/elements`,
        ).forEach((e, k) => {
          check(
            textOf(e),
            SLACK_LIMITS.textObjectChars,
            `${at}/elements/${k}/text`,
          );
        });
        break;
      case 'actions': {
        const elements = items(
          block.elements,
          SLACK_LIMITS.actionsElements,
          `${at}/elements`,
        );
        elements.forEach((e, k) => {
          if (!isObj(e) || e.type !== 'button') return;
          const p = `${at}/elements/${k}`;
          check(textOf(e.text), SLACK_LIMITS.buttonTextChars, `${p}/text/text`);
          if (typeof e.value === 'string') {
            check(e.value, SLACK_LIMITS.buttonValueChars, `${p}/value`);
          }
          if (typeof e.action_id === 'string') {
            check(e.action_id, SLACK_LIMITS.actionIdChars, `${p}/action_id`);
          }
          if (typeof e.url === 'string') {
            check(e.url, SLACK_LIMITS.urlChars, `${p}/url`);
          }
          if (e.confirm !== undefined)
            confirmProblems(e.confirm, `${p}/confirm`);
        });
        break;
      }
      default:
        break;
    }
  });
  return problems;
}

/**
 * Slack's refusal of a chat.postMessage or chat.update body, or undefined
 * when Slack would take it.
 */
export function slackRefusal(body: Obj): SlackRefusal | undefined {
  if (
    typeof body.text === 'string' &&
    chars(body.text) > SLACK_LIMITS.textChars
  ) {
    return { ok: false, error: 'msg_too_long' };
  }
  const problems = body.blocks === undefined ? [] : blockProblems(body.blocks);
  // Blocks of secondary attachments are held to the same limits.
  if (Array.isArray(body.attachments)) {
    body.attachments.forEach((a, i) => {
      if (isObj(a) && a.blocks !== undefined) {
        problems.push(...blockProblems(a.blocks, `/attachments/${i}/blocks`));
      }
    });
  }
  if (problems.length === 0) return undefined;
  return {
    ok: false,
    error: 'invalid_blocks',
    errors: problems,
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  };
}
