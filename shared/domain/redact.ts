/**
 * Keeps a secret (the ClickHouse password) out of one-line error texts.
 * Redact before shortening: a text cut after a secret's first characters
 * no longer contains the whole secret, so redacting after the cut would
 * miss it and leak all but its tail.
 */

/** What a redacted secret, whole or cut off, reads as. */
export const REDACTED = '***';

/**
 * The shortest start of a secret that is redacted where it ends a text:
 * a shorter one matches ordinary words too often to mean anything.
 */
export const MIN_SECRET_PREFIX_CHARS = 4;

const ELLIPSIS = '…';

/**
 * Replaces every whole occurrence of the secret, then a start of it (at
 * least MIN_SECRET_PREFIX_CHARS long) that ends the text, before a final
 * `…` if there is one: what is left of a secret someone else cut off.
 */
export function redactSecret(text: string, secret?: string): string {
  if (!secret) return text;
  const whole = text.split(secret).join(REDACTED);
  const cut = whole.endsWith(ELLIPSIS);
  const body = cut ? whole.slice(0, -ELLIPSIS.length) : whole;
  for (let n = secret.length - 1; n >= MIN_SECRET_PREFIX_CHARS; n -= 1) {
    if (body.endsWith(secret.slice(0, n))) {
      return `${body.slice(0, -n)}${REDACTED}${cut ? ELLIPSIS : ''}`;
    }
  }
  return whole;
}

/**
 * The text with the secret redacted, then shortened to at most `maxChars`
 * characters (the last one `…`), then checked again for a cut-off start.
 */
export function redactThenTruncate(
  text: string,
  maxChars: number,
  secret?: string,
): string {
  const redacted = redactSecret(text, secret);
  const short =
    redacted.length > maxChars
      ? `${redacted.slice(0, maxChars - 1)}${ELLIPSIS}`
      : redacted;
  return redactSecret(short, secret);
}
