/**
 * PagerPort over a webhook: one JSON POST per escalation, to a URL the
 * deployment keeps as a secret (the `PagerWebhookUrl` SST secret). Most
 * paging services take a JSON POST on an integration URL that itself
 * authorizes the call, so the URL is treated as a credential: errors
 * never name it.
 */
import type { PagerPort } from '../domain/ports.ts';
import { postJson } from './post-json.ts';

/** Why a webhook URL is refused, or undefined when it is https. */
export function pagerUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return 'PagerWebhookUrl is not a URL';
  const parsed = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(
    parsed.hostname,
  );
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback))
    return undefined;
  return 'PagerWebhookUrl must be an https URL (plain http only on loopback)';
}

/** A pager that POSTs each event, as JSON, to `url`. */
export function createWebhookPager(options: {
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): PagerPort {
  const problem = pagerUrlProblem(options.url);
  return {
    async page(event) {
      if (problem) throw new Error(problem);
      await postJson(
        options.url,
        { source: 'burstguard', kind: 'approval-unanswered', ...event },
        {
          timeoutMs: options.timeoutMs,
          what: 'pager webhook',
          error: Error,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        },
      );
    },
  };
}
