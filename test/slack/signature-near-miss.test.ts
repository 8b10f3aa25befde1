/**
 * Near-miss signatures. Slack signs `v0:<timestamp>:<body>` with HMAC-SHA256
 * and sends `v0=<hex>` (Slack API docs, "Verifying requests from Slack");
 * the check must refuse a signature that differs from the right one in any
 * single character, wherever it is, including after the first 8 bytes.
 * Starts from the worked example in Slack's page, so the right signature is
 * Slack's, not one computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../shared/domain/slack/signature.ts';

// The worked example in Slack's "Verifying requests from Slack".
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = '1531420618';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE =
  'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

function check(signatureHeader: string) {
  return verifySlackSignature({
    signingSecret: DOC_SECRET,
    timestampHeader: DOC_TIMESTAMP,
    signatureHeader,
    rawBody: DOC_BODY,
    nowSeconds: Number(DOC_TIMESTAMP) + 5,
  });
}

/** The signature with the character at `index` changed to another one. */
function changedAt(signature: string, index: number): string {
  const c = signature[index] as string;
  // Another hex digit for the digest; another character for the prefix.
  const other =
    index < 3
      ? c === 'x'
        ? 'y'
        : 'x'
      : '0123456789abcdef'[('0123456789abcdef'.indexOf(c) + 1) % 16];
  return `${signature.slice(0, index)}${other}${signature.slice(index + 1)}`;
}

describe('near-miss signatures', () => {
  it("accepts Slack's worked example as it is", () => {
    // Act / Assess
    expect(check(DOC_SIGNATURE)).toEqual({ ok: true });
  });

  it('refuses the signature with any one character changed, at every position', () => {
    // Prepare: 3 prefix characters + 64 hex digits = 67 positions.
    const accepted: number[] = [];

    // Act
    for (let i = 0; i < DOC_SIGNATURE.length; i++) {
      const near = changedAt(DOC_SIGNATURE, i);
      expect(near).not.toBe(DOC_SIGNATURE);
      expect(near).toHaveLength(DOC_SIGNATURE.length);
      if (check(near).ok) accepted.push(i);
    }

    // Assess
    expect(DOC_SIGNATURE).toHaveLength(67);
    expect(accepted).toEqual([]);
  });

  it('refuses a signature that differs only in its last hex digit', () => {
    // Prepare: '3' -> '4' at position 66, far past the first 8 bytes.
    const near = `${DOC_SIGNATURE.slice(0, 66)}4`;

    // Act
    const result = check(near);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses the right signature for a body with one character changed', () => {
    // Prepare: the same signature, the body's last character changed.
    const body = `${DOC_BODY.slice(0, -1)}d`;

    // Act
    const result = verifySlackSignature({
      signingSecret: DOC_SECRET,
      timestampHeader: DOC_TIMESTAMP,
      signatureHeader: DOC_SIGNATURE,
      rawBody: body,
      nowSeconds: Number(DOC_TIMESTAMP) + 5,
    });

    // Assess
    expect(result.ok).toBe(false);
  });
});
