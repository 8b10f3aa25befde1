/**
 * Every `text` string anywhere in a Slack message: the fallback, each
 * block and element. Button values are not text: Slack sends them back and
 * shows them to nobody.
 */
export function textFields(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textFields);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === 'text' && typeof inner === 'string' ? [inner] : textFields(inner),
    );
  }
  return [];
}

/**
 * The control sequences burstguard writes on purpose, in exactly the
 * shapes it writes them: a console link (an https address on one of the
 * AWS console hosts, with none of `<>|&` or spaces, and one of the fixed
 * labels), a Slack date (`<!date^UNIX^{date_short_pretty} {time}|… UTC>`,
 * Slack API docs, "Formatting text for app surfaces", date formatting),
 * and a mention of an id the test configured. Anything else stays, so a
 * check for control sequences still sees every one the input could bring.
 */
export function withoutOwnSequences(
  text: string,
  configured: { users?: readonly string[]; groups?: readonly string[] } = {},
): string {
  let out = text
    .replace(
      /<https:\/\/(?:[a-z0-9-]+\.console\.aws\.amazon\.com|console\.amazonaws\.cn|console\.amazonaws-us-gov\.com)\/[^\s<>|&]+\|(?:alarm|file system|execution|Langfuse logs)>/g,
      '',
    )
    .replace(
      /<!date\^\d{1,12}\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>/g,
      '',
    );
  for (const id of configured.users ?? []) out = out.split(`<@${id}>`).join('');
  for (const id of configured.groups ?? []) {
    out = out.split(`<!subteam^${id}>`).join('');
  }
  return out;
}
