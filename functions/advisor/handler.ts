// Production entry: runs on the schedule of the configuration's `advisor`
// section (weekly by default), and every few minutes for the queued
// Applies; the incident table keeps the price cache, the snoozes and the
// queue.

import {
  chartPort,
  metricsPort,
} from '../../shared/adapters/wiring/cloudwatch.ts';
import { advisorStore } from '../../shared/adapters/wiring/dynamo.ts';
import { efsPort } from '../../shared/adapters/wiring/efs.ts';
import { priceListPort } from '../../shared/adapters/wiring/pricing.ts';
import { executionStarter } from '../../shared/adapters/wiring/sfn.ts';
import { slackPort } from '../../shared/adapters/wiring/slack.ts';
import { resolvePrices } from '../../shared/domain/advisor/prices.ts';
import { deployedStep } from '../../shared/runtime/config.ts';
import { createAdvisorHandler } from './lambda.ts';

const step = deployedStep(process.env);
const { config } = step;
const store = advisorStore(config);
const priceList = priceListPort();

export const handler = createAdvisorHandler({
  ...step,
  efs: efsPort(config),
  metrics: metricsPort(config),
  charts: chartPort(config),
  slack: slackPort(config),
  store,
  executions: executionStarter(
    config,
    process.env.BURSTGUARD_STATE_MACHINE_ARN,
  ),
  prices: () =>
    resolvePrices({
      region: config.region,
      clock: step.clock,
      priceList,
      store,
      ...(config.prices ? { overrides: config.prices } : {}),
    }),
});
