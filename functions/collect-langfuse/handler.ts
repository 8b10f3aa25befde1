// Production entry: clients created once per container.
import { metricsPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { logsInsightsPort } from '../../shared/adapters/wiring/logs.ts';
import { deployedStep } from '../../shared/runtime/config.ts';
import { createCollectLangfuseHandler } from './lambda.ts';

const step = deployedStep(process.env);

export const handler = createCollectLangfuseHandler({
  ...step,
  metrics: metricsPort(step.config),
  logsInsights: logsInsightsPort(step.config),
});
