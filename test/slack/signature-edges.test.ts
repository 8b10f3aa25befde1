/**
 * The edges of Slack's replay window, in both directions. Slack's
 * "Verifying requests from Slack" refuses requests more than five minutes
 * from the local clock; exactly five minutes is still inside.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../shared/slack/signature.ts';

const SECRET = 'burstguard-test-signing-secret';
const NOW_SECONDS = 1_772_445_600;
const BODY = 'payload=%7B%7D';

function signedAt(timestampSeconds: number) {
  const timestamp = String(timestampSeconds);
  const hex = createHmac('sha256', SECRET)
    .update(`v0:${timestamp}:${BODY}`)
    .digest('hex');
  return {
    signingSecret: SECRET,
    timestampHeader: timestamp,
    signatureHeader: `v0=${hex}`,
    rawBody: BODY,
    nowSeconds: NOW_SECONDS,
  };
}

describe('verifySlackSignature, the replay window', () => {
  it('accepts a request stamped exactly 300 s ahead of the clock', () => {
    expect(verifySlackSignature(signedAt(NOW_SECONDS + 300))).toEqual({
      ok: true,
    });
  });

  it('refuses a request stamped 301 s ahead, and says how far ahead', () => {
    expect(verifySlackSignature(signedAt(NOW_SECONDS + 301))).toEqual({
      ok: false,
      reason: 'request is 301 s in the future, more than 300 s',
    });
  });

  it('accepts a request 300 s old and refuses one 301 s old', () => {
    expect(verifySlackSignature(signedAt(NOW_SECONDS - 300)).ok).toBe(true);
    expect(verifySlackSignature(signedAt(NOW_SECONDS - 301))).toEqual({
      ok: false,
      reason: 'request is 301 s old, more than 300 s',
    });
  });

  it('refuses a header with anything before v0= as malformed, not as a wrong signature', () => {
    const request = signedAt(NOW_SECONDS);
    expect(
      verifySlackSignature({
        ...request,
        signatureHeader: `x${request.signatureHeader}`,
      }),
    ).toEqual({ ok: false, reason: 'X-Slack-Signature is not v0=<64 hex>' });
  });
});
