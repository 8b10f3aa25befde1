// Production entry: clients created once per container.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createLogsInsightsPort } from '../../shared/adapters/aws-logs-insights.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createCollectLangfuseHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createCollectLangfuseHandler({
  metrics: createMetricsPort(
    new CloudWatchClient(awsClientOptions(config.region)),
  ),
  logsInsights: createLogsInsightsPort(
    new CloudWatchLogsClient(awsClientOptions(config.region)),
  ),
  clock: { now: () => new Date() },
  config,
});
