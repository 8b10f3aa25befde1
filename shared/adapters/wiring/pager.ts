/**
 * The pager of a deployed function: the `PagerWebhookUrl` SST secret
 * sst.config.ts links. Unset (its empty placeholder), there is no pager
 * and reminders go to the thread alone.
 */
import { Resource } from 'sst';
import type { PagerPort } from '../../domain/ports.ts';
import { createWebhookPager } from '../pager.ts';

/** Well inside the Notify Task's 30 s, with the Slack post after it. */
export const PAGER_TIMEOUT_MS = 5_000;

export function pagerPort(): PagerPort | undefined {
  const url = Resource.PagerWebhookUrl.value;
  return url
    ? createWebhookPager({ url, timeoutMs: PAGER_TIMEOUT_MS })
    : undefined;
}
