/**
 * The edges of Slack's replay window, in both directions. Slack's
 * "Verifying requests from Slack" refuses requests more than five minutes
 * from the local clock; exactly five minutes is still inside.
 */
import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../shared/domain/slack/signature.ts';
import { NOW_SECONDS, SIGNING_SECRET, slackSign } from '../fixtures/slack.ts';

const BODY = 'payload=%7B%7D';

function signedAt(timestampSeconds: number) {
  const timestamp = String(timestampSeconds);
  return {
    signingSecret: SIGNING_SECRET,
    timestampHeader: timestamp,
    signatureHeader: slackSign(SIGNING_SECRET, timestamp, BODY),
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

  it('refuses a signature with any one of its 64 hex digits changed', () => {
    const request = signedAt(NOW_SECONDS);
    const good = request.signatureHeader;
    const refused: number[] = [];
    for (let i = 3; i < good.length; i++) {
      // Each digit replaced by another hex digit: the header keeps its
      // v0=<64 hex> form, so only the comparison can refuse it.
      const other = good[i] === '0' ? '1' : '0';
      const nearMiss = `${good.slice(0, i)}${other}${good.slice(i + 1)}`;
      const check = verifySlackSignature({
        ...request,
        signatureHeader: nearMiss,
      });
      if (!check.ok && check.reason === 'signature does not match') {
        refused.push(i);
      }
    }
    expect(refused).toHaveLength(64);
  });
});
