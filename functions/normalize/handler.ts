// Production entry: configuration read once at cold start.
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createNormalizeHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createNormalizeHandler({
  config,
  now: () => new Date(),
});
