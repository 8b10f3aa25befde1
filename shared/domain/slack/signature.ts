/**
 * Slack request signing, version v0 (Slack docs, "Verifying requests from
 * Slack"): `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256 of
 * `v0:${X-Slack-Request-Timestamp}:${raw body}` keyed with the app's signing
 * secret. The interaction endpoint checks this before reading anything else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: requests older than five minutes are refused. */
export const SLACK_SIGNATURE_TOLERANCE_SECONDS = 300;

const VERSION = 'v0';
const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** The `X-Slack-Signature` value Slack sends for this body and time. */
export function slackSignature(
  signingSecret: string,
  timestamp: string,
  rawBody: string | Uint8Array,
): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`${VERSION}:${timestamp}:`);
  hmac.update(rawBody);
  return `${VERSION}=${hmac.digest('hex')}`;
}

/**
 * Checks a request's Slack signature and its age. `rawBody` must be the
 * bytes as received: a re-encoded form body signs differently. Fails closed
 * on a missing secret or header, and a timestamp more than
 * `toleranceSeconds` away from `nowSeconds` in either direction.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: string | Uint8Array;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const tolerance = input.toleranceSeconds ?? SLACK_SIGNATURE_TOLERANCE_SECONDS;
  const { signingSecret, timestampHeader, signatureHeader } = input;
  if (!signingSecret) {
    return { ok: false, reason: 'no signing secret is configured' };
  }
  if (!timestampHeader) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is missing' };
  }
  if (!signatureHeader) {
    return { ok: false, reason: 'X-Slack-Signature is missing' };
  }
  if (!TIMESTAMP_PATTERN.test(timestampHeader)) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is not a number' };
  }
  const ageSeconds = input.nowSeconds - Number(timestampHeader);
  if (ageSeconds > tolerance) {
    return {
      ok: false,
      reason: `request is ${Math.round(ageSeconds)} s old, more than ${tolerance} s`,
    };
  }
  if (-ageSeconds > tolerance) {
    return {
      ok: false,
      reason: `request is ${Math.round(-ageSeconds)} s in the future, more than ${tolerance} s`,
    };
  }
  if (!SIGNATURE_PATTERN.test(signatureHeader)) {
    return { ok: false, reason: 'X-Slack-Signature is not v0=<64 hex>' };
  }
  const expected = Buffer.from(
    slackSignature(signingSecret, timestampHeader, input.rawBody),
  );
  const received = Buffer.from(signatureHeader);
  // timingSafeEqual throws on different lengths; the pattern fixes the
  // length, and this keeps the guard where the comparison is.
  if (
    expected.length !== received.length ||
    !timingSafeEqual(expected, received)
  ) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}
