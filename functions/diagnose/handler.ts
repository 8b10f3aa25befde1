// Production entry: configuration read once at cold start.
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createDiagnoseHandler } from './lambda.ts';

export const handler = createDiagnoseHandler({
  config: readConfigFromEnv(process.env),
});
