/**
 * The runbook's Step Functions state machine as raw Pulumi resources. SST's
 * `sst.aws.StepFunctions` emits JSONata only, and the definition here is the
 * JSONPath ASL of workflows/definition.ts, the same one the local runner
 * executes.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  buildDefinition,
  type LambdaArns,
  type LambdaName,
} from '../workflows/definition.ts';
import { type AwsAccount, serviceAssumeRolePolicy } from './iam.ts';

export type StateMachineArgs = {
  /** `<app>-<stage>`, the start of every resource name. */
  prefix: string;
  /** The deployed ARN of each of the workflow's Lambdas. */
  lambdaArns: Record<LambdaName, pulumi.Input<string>>;
  /** Limits the role to Step Functions acting for this account. */
  accountId?: string;
  /**
   * `aws`, `aws-cn` or `aws-us-gov`, for the service integration ARNs;
   * by default the Lambda ARNs' partition.
   */
  partition?: string;
  /**
   * How long each round of an approval waits before the approvers are
   * reminded: the configuration's `approvalEscalationMinutes`, in seconds
   * (the definition's default when absent).
   */
  approvalRoundSeconds?: number;
  /**
   * The recovery state machine a switch that worked starts; the role may
   * start it (and nothing else) when it is given.
   */
  recoveryStateMachineArn?: string;
  /** How long execution error logs are kept. */
  logRetentionDays?: number;
  tags?: Record<string, string>;
};

export type RunbookStateMachine = {
  stateMachine: aws.sfn.StateMachine;
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
  logGroup: aws.cloudwatch.LogGroup;
};

/**
 * Step Functions' vended-log delivery calls have no resource-level
 * permissions, so AWS documents them on `*` (Step Functions developer guide,
 * "IAM policies for logging to CloudWatch Logs").
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
] as const;

/** The state machine's name: `<prefix>-runbook`. */
export function stateMachineName(prefix: string): string {
  return `${prefix}-runbook`;
}

/**
 * The state machine's ARN before it exists, for grants that the state
 * machine itself depends on (the Slack endpoint's task-token callbacks).
 */
export function stateMachineArn(account: AwsAccount, prefix: string): string {
  return `arn:${account.partition}:states:${account.region}:${account.accountId}:stateMachine:${stateMachineName(prefix)}`;
}

/** Invoke on each function and on its versions and aliases (`ARN:*`). */
export function invokeResources(arns: readonly string[]): string[] {
  return [...new Set(arns)].flatMap((arn) => [arn, `${arn}:*`]);
}

/**
 * A Standard state machine with its own role (assumed by Step Functions for
 * this account only), inline policy and error log group, all named after
 * `name` (`<name>-role`, `<name>-policy`, `<name>-logs`).
 */
export function createStandardStateMachine(
  args: {
    /** The resource name, e.g. `<prefix>-runbook`; also the log group's. */
    name: string;
    /** The state machine's own name. */
    machineName: string;
    roleDescription: string;
    accountId?: string;
    /** The role's statements. */
    statements: pulumi.Input<unknown[]>;
    definition: pulumi.Input<string>;
    logRetentionDays?: number;
    tags?: Record<string, string>;
  },
  opts?: pulumi.CustomResourceOptions,
): RunbookStateMachine {
  const { name, tags } = args;
  // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy
  // from growing with every log group (Step Functions developer guide,
  // "Logging using CloudWatch Logs").
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    {
      name: `/aws/vendedlogs/states/${name}`,
      retentionInDays: args.logRetentionDays ?? 30,
      tags,
    },
    opts,
  );
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: args.roleDescription,
      assumeRolePolicy: serviceAssumeRolePolicy(
        'states.amazonaws.com',
        args.accountId,
      ),
      tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.id,
      policy: pulumi
        .output(args.statements)
        .apply((Statement) =>
          JSON.stringify({ Version: '2012-10-17', Statement }),
        ),
    },
    opts,
  );
  const stateMachine = new aws.sfn.StateMachine(
    name,
    {
      name: args.machineName,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: args.definition,
      loggingConfiguration: {
        level: 'ERROR',
        // Execution data holds ClickHouse and Slack details; errors suffice.
        includeExecutionData: false,
        // Step Functions wants the log group ARN with its `:*` suffix.
        logDestination: pulumi.interpolate`${logGroup.arn}:*`,
      },
      tags,
    },
    // The role's policy must exist before Step Functions validates that it
    // may deliver logs and invoke the functions.
    { ...opts, dependsOn: [policy] },
  );
  return { stateMachine, role, policy, logGroup };
}

/**
 * Creates the runbook's state machine: its role may invoke exactly the
 * workflow's functions, deliver logs and, with a recovery, start it.
 */
export function createStateMachine(
  args: StateMachineArgs,
  opts?: pulumi.CustomResourceOptions,
): RunbookStateMachine {
  const { prefix } = args;
  const arns = pulumi
    .all(args.lambdaArns)
    .apply((resolved) => resolved as LambdaArns);
  return createStandardStateMachine(
    {
      name: `${prefix}-runbook`,
      machineName: stateMachineName(prefix),
      roleDescription: 'burstguard state machine: invokes the runbook Lambdas',
      ...(args.accountId ? { accountId: args.accountId } : {}),
      ...(args.logRetentionDays
        ? { logRetentionDays: args.logRetentionDays }
        : {}),
      ...(args.tags ? { tags: args.tags } : {}),
      statements: arns.apply((resolved) => [
        {
          Sid: 'InvokeRunbookLambdas',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: invokeResources(Object.values(resolved)),
        },
        ...(args.recoveryStateMachineArn
          ? [
              {
                // The Request Response integration needs StartExecution on
                // the target alone (developer guide, "IAM policies for Step
                // Functions", asynchronous nested executions).
                Sid: 'StartRecovery',
                Effect: 'Allow',
                Action: 'states:StartExecution',
                Resource: args.recoveryStateMachineArn,
              },
            ]
          : []),
        {
          Sid: 'DeliverExecutionLogs',
          Effect: 'Allow',
          Action: [...LOG_DELIVERY_ACTIONS],
          Resource: '*',
        },
      ]),
      definition: arns.apply((resolved) =>
        JSON.stringify(
          buildDefinition(resolved, args.partition, {
            ...(args.approvalRoundSeconds
              ? { approvalRoundSeconds: args.approvalRoundSeconds }
              : {}),
            ...(args.recoveryStateMachineArn
              ? { recoveryStateMachineArn: args.recoveryStateMachineArn }
              : {}),
          }),
        ),
      ),
    },
    opts,
  );
}
