/**
 * The pager webhook: one JSON POST per escalation to a URL kept as a
 * secret, so no error may quote it; bounded by a deadline, no redirects
 * followed (WHATWG fetch, `redirect: 'error'`), https only off loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWebhookPager,
  pagerUrlProblem,
} from '../../shared/adapters/pager.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import {
  startWebhookDouble,
  type WebhookDouble,
} from '../support/webhook-double.ts';

const EVENT = {
  summary: `burstguard: approval for ${FS_ID} unanswered after 15 min`,
  incidentId: `${FS_ID}/2026-11-23T03:12:00.000Z/exec`,
  fileSystemId: FS_ID,
  round: 2,
  expiresAt: '2026-11-23T04:12:00.000Z',
};

let hook: WebhookDouble;

beforeEach(async () => {
  hook = await startWebhookDouble();
});

afterEach(async () => {
  await hook.close();
});

describe('the pager webhook', () => {
  it('posts the escalation as JSON', async () => {
    const pager = createWebhookPager({ url: hook.url(), timeoutMs: 2_000 });

    await pager.page(EVENT);

    expect(hook.posts).toHaveLength(1);
    expect(hook.posts[0]?.headers['content-type']).toMatch(
      /^application\/json/,
    );
    expect(hook.posts[0]?.body).toEqual({
      source: 'burstguard',
      kind: 'approval-unanswered',
      ...EVENT,
    });
  });

  it('fails with one line naming the status, never the secret URL', async () => {
    hook.answerWith(503);
    const url = hook.url('/services/T000/B000/secret-integration-key');
    const pager = createWebhookPager({ url, timeoutMs: 2_000 });

    const error = await pager.page(EVENT).then(
      () => undefined,
      (e: Error) => e,
    );

    expect(error?.message).toBe('pager webhook: answered HTTP 503');
    expect(error?.message).not.toContain('secret-integration-key');
  });

  it('fails when nothing listens, without quoting the URL', async () => {
    const url = hook.url('/secret-path');
    await hook.close();
    const pager = createWebhookPager({ url, timeoutMs: 2_000 });

    const error = await pager.page(EVENT).then(
      () => undefined,
      (e: Error) => e,
    );

    expect(error?.message).toMatch(/^pager webhook: /);
    expect(error?.message).not.toContain('secret-path');
    hook = await startWebhookDouble();
  });

  it.each([
    ['http://pager.example/hook', /must be an https URL/],
    ['not a url', /not a URL/],
  ])('refuses %s without calling it', async (url, problem) => {
    expect(pagerUrlProblem(url)).toMatch(problem);
    const pager = createWebhookPager({ url, timeoutMs: 2_000 });
    await expect(pager.page(EVENT)).rejects.toThrow(problem);
  });

  it('accepts https, and plain http on loopback only', () => {
    expect(pagerUrlProblem('https://events.pager.example/v2/enqueue')).toBe(
      undefined,
    );
    expect(pagerUrlProblem(hook.url())).toBe(undefined);
  });
});
