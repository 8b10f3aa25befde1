/** The Logs Insights port of a deployed function (see wiring/cloudwatch.ts). */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AppConfig } from '../../domain/config.ts';
import type { LogsInsightsPort } from '../../domain/ports.ts';
import { awsClientOptions } from '../aws-clients.ts';
import { createLogsInsightsPort } from '../aws-logs-insights.ts';

/** StartQuery and GetQueryResults, with burstguard's deadlines. */
export function logsInsightsPort(config: AppConfig): LogsInsightsPort {
  return createLogsInsightsPort(
    new CloudWatchLogsClient(awsClientOptions(config.region)),
  );
}
