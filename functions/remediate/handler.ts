// Production entry: IAM allows UpdateFileSystem on allowlisted ARNs only.
import { incidentStore } from '../../shared/adapters/wiring/dynamo.ts';
import { remediationEfsPort } from '../../shared/adapters/wiring/efs.ts';
import { deployedStep } from '../../shared/runtime/config.ts';
import { createRemediateHandler } from './lambda.ts';

const step = deployedStep(process.env);

export const handler = createRemediateHandler({
  ...step,
  efs: remediationEfsPort(step.config),
  store: incidentStore(step.config),
});
