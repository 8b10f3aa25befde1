// Production entry: the Slack token and the pager webhook come from SST
// secrets.
import { pagerPort } from '../../shared/adapters/wiring/pager.ts';
import { slackThreadPorts } from '../../shared/adapters/wiring/thread.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createNotifyHandler } from './lambda.ts';

const pager = pagerPort();

export const handler = createNotifyHandler({
  ...slackThreadPorts(readConfigFromEnv(process.env)),
  ...(pager ? { pager } : {}),
});
