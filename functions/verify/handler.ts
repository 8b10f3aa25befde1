// Production entry: clients created once per container.
import { metricsPort } from '../../shared/adapters/wiring/cloudwatch.ts';
import { efsPort } from '../../shared/adapters/wiring/efs.ts';
import { deployedStep } from '../../shared/runtime/config.ts';
import { createVerifyHandler } from './lambda.ts';

const step = deployedStep(process.env);

export const handler = createVerifyHandler({
  ...step,
  efs: efsPort(step.config),
  metrics: metricsPort(step.config),
});
