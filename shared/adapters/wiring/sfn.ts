/** The task-token callback of a deployed function (see wiring/cloudwatch.ts). */
import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
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

/**
 * StartExecution on the runbook's state machine (its ARN from the
 * function's `BURSTGUARD_STATE_MACHINE_ARN`, set at deploy): the advice's
 * Apply button starts a run with it.
 */
export function executionStarter(
  config: AppConfig,
  stateMachineArn: string | undefined,
  limits: Partial<AwsCallLimits> = {},
) {
  const client = new SFNClient(awsClientOptions(config.region, limits));
  return {
    async startExecution(input: { name: string; input: string }) {
      if (!stateMachineArn) {
        throw new Error('BURSTGUARD_STATE_MACHINE_ARN is not set');
      }
      const out = await client.send(
        new StartExecutionCommand({ stateMachineArn, ...input }),
      );
      return { executionArn: out.executionArn ?? '' };
    },
  };
}
