// Production entry: the Slack token and the pager webhook come from SST
// secrets; the charts attached to a finding come from CloudWatch
// GetMetricWidgetImage.
import { chartPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { pagerPort } from '../../shared/adapters/wiring/pager.ts';
import { slackThreadPorts } from '../../shared/adapters/wiring/thread.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createNotifyHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
const pager = pagerPort();

export const handler = createNotifyHandler({
  ...slackThreadPorts(config),
  charts: {
    port: chartPort(config),
    langfuseMetricNamespace: config.langfuseMetricNamespace,
  },
  ...(pager ? { pager } : {}),
});
