// Production entry: configuration read once at cold start.
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createNormalizeHandler } from './lambda.ts';

export const handler = createNormalizeHandler({
  config: readConfigFromEnv(process.env),
  now: () => new Date(),
});
