/** The task-token callback of a deployed function (see wiring/cloudwatch.ts). */
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { AppConfig } from '../../domain/config.ts';
import { type AwsCallLimits, awsClientOptions } from '../aws-clients.ts';

/** SendTaskSuccess, which answers a step waiting on `.waitForTaskToken`. */
export function taskCallbacks(
  config: AppConfig,
  limits: Partial<AwsCallLimits> = {},
) {
  const client = new SFNClient(awsClientOptions(config.region, limits));
  return {
    async sendTaskSuccess(input: { taskToken: string; output: string }) {
      await client.send(new SendTaskSuccessCommand(input));
    },
  };
}
