// Production entry: the Slack token comes from an SST secret.
import { slackThreadPorts } from '../../shared/adapters/wiring/thread.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createNotifyHandler } from './lambda.ts';

export const handler = createNotifyHandler(
  slackThreadPorts(readConfigFromEnv(process.env)),
);
