// Production entry: the Slack token comes from an SST secret.
import { slackThreadPorts } from '../../shared/adapters/wiring/thread.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createRequestApprovalHandler } from './lambda.ts';

export const handler = createRequestApprovalHandler(
  slackThreadPorts(readConfigFromEnv(process.env)),
);
