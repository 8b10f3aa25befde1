/**
 * The CloudWatch ports of a deployed function. The wiring is one module
 * per SDK package: a bundle marks `@aws-sdk/*` external, and esbuild keeps
 * every import of an external package that a bundled module makes, used
 * or not, so a module that wired every client would load every client at
 * each cold start.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AppConfig } from '../../domain/config.ts';
import type { AlarmsPort, ChartPort, MetricsPort } from '../../domain/ports.ts';
import { createAlarmsPort } from '../aws-alarms.ts';
import { awsClientOptions } from '../aws-clients.ts';
import { createChartPort, createMetricsPort } from '../aws-cloudwatch.ts';

/** One client per container, shared by both ports (the region is fixed). */
let client: CloudWatchClient | undefined;

function cloudWatch(config: AppConfig): CloudWatchClient {
  client ??= new CloudWatchClient(awsClientOptions(config.region));
  return client;
}

/** GetMetricData, with burstguard's deadlines. */
export function metricsPort(config: AppConfig): MetricsPort {
  return createMetricsPort(cloudWatch(config));
}

/** DescribeAlarms, on the same client as metricsPort. */
export function alarmsPort(config: AppConfig): AlarmsPort {
  return createAlarmsPort(cloudWatch(config));
}

/** GetMetricWidgetImage, on the same client as metricsPort. */
export function chartPort(config: AppConfig): ChartPort {
  return createChartPort(cloudWatch(config));
}
