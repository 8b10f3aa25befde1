/**
 * The grants of every function for the test configuration, as infra/iam.ts
 * computes them, with the ARNs the infra tests deploy next to.
 */
import {
  advisorPermissions,
  type FunctionName,
  type PermissionStatement,
  preflightPermissions,
  recoveryPermissions,
  slackInteractionsPermissions,
  stepFunctionPermissions,
} from '../../infra/iam.ts';
import {
  eventsListStatements,
  ownBucketWriteStatement,
} from '../../infra/recovery.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import { TEST_ACCOUNT } from './pulumi-mocks.ts';

export const TABLE_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/burstguard-test-incidents';
export const STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-test-runbook';
export const RECOVERY_STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-test-recovery';
export const RECOVERY_BUCKET =
  'burstguard-test-recovery-123456789012-us-east-1';

/** The test configuration with FS_ID's Langfuse events recoverable. */
export function recoveryTestConfig() {
  const base = testConfig();
  return parseConfig({
    ...base,
    fileSystems: base.fileSystems.map((f) =>
      f.fileSystemId === FS_ID
        ? {
            ...f,
            recovery: {
              eventsBucket: 'langfuse-events-prod',
              eventsPrefix: 'events/',
              langfuseUrl: 'https://langfuse.example.com',
            },
          }
        : f,
    ),
  });
}
export const ALARM_PREFIX = 'burstguard-test';

/** Every function's statements; log groups per file system, if any. */
export function allPermissions(
  langfuseLogGroups?: Record<string, string[]>,
): Record<FunctionName, PermissionStatement[]> {
  const common = {
    config: testConfig(),
    account: TEST_ACCOUNT,
    incidentTableArn: TABLE_ARN,
    alarmPrefix: ALARM_PREFIX,
  };
  return {
    ...stepFunctionPermissions({
      ...common,
      ...(langfuseLogGroups ? { langfuseLogGroups } : {}),
    }),
    ...recoveryPermissions({
      incidentTableArn: TABLE_ARN,
      recoveryStateMachineArn: RECOVERY_STATE_MACHINE_ARN,
      eventsList: eventsListStatements(recoveryTestConfig(), 'aws'),
      ownBucketWrite: ownBucketWriteStatement('aws', RECOVERY_BUCKET),
    }),
    'slack-interactions': slackInteractionsPermissions({
      incidentTableArn: TABLE_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      recoveryStateMachineArn: RECOVERY_STATE_MACHINE_ARN,
    }),
    preflight: preflightPermissions(common),
    advisor: advisorPermissions({
      ...common,
      stateMachineArn: STATE_MACHINE_ARN,
    }),
  };
}
