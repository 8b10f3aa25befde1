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
