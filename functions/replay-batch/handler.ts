// Production entry: one Langfuse admin client per configured file system,
// built once per container; the function calls Langfuse and nothing else.
import { langfuseAdminPorts } from '../../shared/adapters/wiring/langfuse.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createReplayBatchHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createReplayBatchHandler({
  langfuseFor: langfuseAdminPorts(config),
  rate: config.recovery,
});
