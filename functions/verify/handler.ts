// Production entry: clients created once per container.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EFSClient } from '@aws-sdk/client-efs';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createVerifyHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);
const options = awsClientOptions(config.region);

export const handler = createVerifyHandler({
  efs: createEfsPort(new EFSClient(options)),
  metrics: createMetricsPort(new CloudWatchClient(options)),
  clock: { now: () => new Date() },
  config,
});
