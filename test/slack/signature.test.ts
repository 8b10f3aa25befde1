import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  slackSignature,
  verifySlackSignature,
} from '../../shared/domain/slack/signature.ts';
import {
  NOW_SECONDS,
  SIGNING_SECRET,
  SLACK_DOC_EXAMPLE,
  slackSign,
} from '../fixtures/slack.ts';

// The worked example in Slack's "Verifying requests from Slack".
const DOC = SLACK_DOC_EXAMPLE;

const SECRET = SIGNING_SECRET;
const BODY = `payload=${encodeURIComponent(
  JSON.stringify({ type: 'block_actions', user: { id: 'U012' } }),
)}`;

/** Signed independently of the module, so the scheme is checked. */
const sign = slackSign;

function request(
  overrides: Partial<Parameters<typeof verifySlackSignature>[0]>,
) {
  const timestamp = String(NOW_SECONDS - 10);
  return {
    signingSecret: SECRET,
    timestampHeader: timestamp,
    signatureHeader: sign(SECRET, timestamp, BODY),
    rawBody: BODY,
    nowSeconds: NOW_SECONDS,
    ...overrides,
  };
}

/** A request signed at `offsetSeconds` from the clock, timestamp included. */
function signedAt(
  offsetSeconds: number,
  overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {},
) {
  const timestamp = String(NOW_SECONDS + offsetSeconds);
  return request({
    timestampHeader: timestamp,
    signatureHeader: sign(SECRET, timestamp, BODY),
    ...overrides,
  });
}

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example", () => {
    // Act
    const check = verifySlackSignature({
      signingSecret: DOC.secret,
      timestampHeader: DOC.timestamp,
      signatureHeader: DOC.signature,
      rawBody: DOC.body,
      nowSeconds: Number(DOC.timestamp) + 60,
    });

    // Assess
    expect(check).toEqual({ ok: true });
    expect(slackSignature(DOC.secret, DOC.timestamp, DOC.body)).toBe(
      DOC.signature,
    );
  });

  it('accepts a correctly signed interaction', () => {
    // Act
    const check = verifySlackSignature(request({}));

    // Assess
    expect(check).toEqual({ ok: true });
  });

  it('accepts the raw body given as bytes', () => {
    // Act
    const check = verifySlackSignature(
      request({ rawBody: Buffer.from(BODY, 'utf8') }),
    );

    // Assess
    expect(check).toEqual({ ok: true });
  });

  it('refuses a body changed after signing', () => {
    // Prepare
    const forged = BODY.replace('U012', 'U999');

    // Act
    const check = verifySlackSignature(request({ rawBody: forged }));

    // Assess
    expect(check).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses a signature made with another secret', () => {
    // Prepare
    const timestamp = String(NOW_SECONDS);

    // Act
    const check = verifySlackSignature(
      request({
        timestampHeader: timestamp,
        signatureHeader: sign('someone-else', timestamp, BODY),
      }),
    );

    // Assess
    expect(check).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses a signature replayed with a newer timestamp', () => {
    // Prepare
    const oldTimestamp = String(NOW_SECONDS - 3_600);
    const signature = sign(SECRET, oldTimestamp, BODY);

    // Act
    const check = verifySlackSignature(
      request({
        timestampHeader: String(NOW_SECONDS),
        signatureHeader: signature,
      }),
    );

    // Assess
    expect(check).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('refuses a request older than five minutes', () => {
    // Act
    const check = verifySlackSignature(signedAt(-301));

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'request is 301 s old, more than 300 s',
    });
  });

  it('accepts a request exactly at the edge of the window', () => {
    // Act
    const check = verifySlackSignature(signedAt(-300));

    // Assess
    expect(check).toEqual({ ok: true });
  });

  it('refuses a request stamped more than five minutes ahead', () => {
    // Act
    const check = verifySlackSignature(signedAt(400));

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'request is 400 s in the future, more than 300 s',
    });
  });

  it('uses a narrower window when asked', () => {
    // Act
    const check = verifySlackSignature(signedAt(-61, { toleranceSeconds: 60 }));

    // Assess
    expect(check.ok).toBe(false);
  });

  it('refuses a request without a timestamp header', () => {
    // Act
    const check = verifySlackSignature(request({ timestampHeader: undefined }));

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'X-Slack-Request-Timestamp is missing',
    });
  });

  it('refuses a request without a signature header', () => {
    // Act
    const check = verifySlackSignature(request({ signatureHeader: '' }));

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'X-Slack-Signature is missing',
    });
  });

  it('refuses everything when no signing secret is configured', () => {
    // Prepare
    const timestamp = String(NOW_SECONDS);

    // Act
    const check = verifySlackSignature(
      request({
        signingSecret: '',
        timestampHeader: timestamp,
        signatureHeader: sign('', timestamp, BODY),
      }),
    );

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'no signing secret is configured',
    });
  });

  it.each([
    ['a timestamp with letters', { timestampHeader: '17724456OO' }],
    ['a negative timestamp', { timestampHeader: '-1772445600' }],
    ['a fractional timestamp', { timestampHeader: '1772445600.5' }],
  ])('refuses %s', (_, overrides) => {
    // Act
    const check = verifySlackSignature(request(overrides));

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'X-Slack-Request-Timestamp is not a number',
    });
  });

  it.each([
    ['another version', `v1=${'a'.repeat(64)}`],
    ['a short digest', 'v0=abc123'],
    ['a long digest', `v0=${'a'.repeat(65)}`],
    ['upper-case hex', `v0=${'A'.repeat(64)}`],
    ['no prefix', 'a'.repeat(64)],
  ])('refuses a signature with %s', (_, signatureHeader) => {
    // Act
    const check = verifySlackSignature(request({ signatureHeader }));

    // Assess
    expect(check).toEqual({
      ok: false,
      reason: 'X-Slack-Signature is not v0=<64 hex>',
    });
  });

  it('accepts every body it signed and refuses any other body', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (body, other) => {
        // Prepare
        const timestamp = String(NOW_SECONDS);
        const signatureHeader = slackSignature(SECRET, timestamp, body);
        const base = {
          signingSecret: SECRET,
          timestampHeader: timestamp,
          signatureHeader,
          nowSeconds: NOW_SECONDS,
        };

        // Act
        const same = verifySlackSignature({ ...base, rawBody: body });
        const changed = verifySlackSignature({ ...base, rawBody: other });

        // Assess
        expect(same.ok).toBe(true);
        expect(changed.ok).toBe(body === other);
      }),
    );
  });
});
