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
import { SLACK_DOC_EXAMPLE } from '../fixtures/slack.ts';

// The worked example in Slack's "Verifying requests from Slack".
const DOC = SLACK_DOC_EXAMPLE;

function check(signatureHeader: string) {
  return verifySlackSignature({
    signingSecret: DOC.secret,
    timestampHeader: DOC.timestamp,
    signatureHeader,
    rawBody: DOC.body,
    nowSeconds: Number(DOC.timestamp) + 5,
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
    expect(check(DOC.signature)).toEqual({ ok: true });
  });

  it('refuses the signature with any one character changed, at every position', () => {
    // Prepare: 3 prefix characters + 64 hex digits = 67 positions.
    const accepted: number[] = [];

    // Act
    for (let i = 0; i < DOC.signature.length; i++) {
      const near = changedAt(DOC.signature, i);
      expect(near).not.toBe(DOC.signature);
      expect(near).toHaveLength(DOC.signature.length);
      if (check(near).ok) accepted.push(i);
    }

    // Assess
    expect(DOC.signature).toHaveLength(67);
    expect(accepted).toEqual([]);
  });

  it('refuses a signature that differs only in its last hex digit', () => {
    // Prepare: '3' -> '4' at position 66, far past the first 8 bytes.
    const near = `${DOC.signature.slice(0, 66)}4`;

    // Act
    const result = check(near);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses the right signature for a body with one character changed', () => {
    // Prepare: the same signature, the body's last character changed.
    const body = `${DOC.body.slice(0, -1)}d`;

    // Act
    const result = verifySlackSignature({
      signingSecret: DOC.secret,
      timestampHeader: DOC.timestamp,
      signatureHeader: DOC.signature,
      rawBody: body,
      nowSeconds: Number(DOC.timestamp) + 5,
    });

    // Assess
    expect(result.ok).toBe(false);
  });
});
