/**
 * The recovery of dropped Langfuse records: burstguard's own bucket (the
 * Distributed Map's results and the keys that failed; never the events
 * bucket), the recovery state machine and its role.
 *
 * The role follows the Step Functions developer guide, "IAM policies for
 * using Distributed Map states": StartExecution on the state machine itself
 * (each Map Run starts child workflow executions of it), DescribeExecution
 * and StopExecution on those children, ListBucket for the ItemReader's
 * `s3:listObjectsV2` and the ResultWriter's object calls. The S3 actions
 * and their resources are those AWS CDK grants for the same fields
 * (aws-cdk-lib/aws-stepfunctions/lib/states/distributed-map/item-reader.ts:
 * `s3:ListBucket` on the bucket; result-writer.ts: `s3:PutObject`,
 * `s3:GetObject`, `s3:ListMultipartUploadParts`, `s3:AbortMultipartUpload`
 * on the bucket's objects), narrowed here to the configured prefixes.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AppConfig } from '../shared/domain/config.ts';
import {
  buildRecoveryDefinition,
  RECOVERY_FAILURE_NOTICE,
  RECOVERY_LAMBDAS,
  RECOVERY_RESULTS_PREFIX,
  type RecoveryLambdaName,
} from '../workflows/recovery.ts';
import type { AwsAccount, PermissionStatement } from './iam.ts';
import {
  createStandardStateMachine,
  invokeResources,
  LOG_DELIVERY_ACTIONS,
} from './state-machine.ts';

/** Where the recovery writes in its own bucket. */
export const RECOVERY_OBJECT_PREFIX = `${RECOVERY_RESULTS_PREFIX}/`;

/** How long the results and failed keys are kept. */
export const RECOVERY_OBJECT_DAYS = 90;

/** The recovery state machine's name: `<prefix>-recovery`. */
export function recoveryStateMachineName(prefix: string): string {
  return `${prefix}-recovery`;
}

/** Its ARN before it exists (the main state machine starts it). */
export function recoveryStateMachineArn(
  account: AwsAccount,
  prefix: string,
): string {
  return `arn:${account.partition}:states:${account.region}:${account.accountId}:stateMachine:${recoveryStateMachineName(prefix)}`;
}

/**
 * burstguard's own bucket: `<prefix>-recovery-<account>-<region>`, known
 * before deploy so the configuration and the definition can name it. S3
 * bucket names are 3 to 63 lower-case letters, digits, dots and hyphens
 * (S3 user guide, "General purpose bucket naming rules").
 */
export function recoveryBucketName(
  account: AwsAccount,
  prefix: string,
): string {
  const name =
    `${prefix}-recovery-${account.accountId}-${account.region}`.toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    throw new Error(
      `the recovery bucket name ${name} is not a valid S3 bucket name (3 to 63 lower-case letters, digits and hyphens): use a shorter app or stage name`,
    );
  }
  return name;
}

/** `arn:PARTITION:s3:::BUCKET`. */
export function bucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** The file systems whose dropped records can be recovered. */
export function recoverableFileSystems(config: AppConfig) {
  return config.fileSystems.flatMap((f) =>
    f.recovery ? [{ fileSystemId: f.fileSystemId, ...f.recovery }] : [],
  );
}

/**
 * ListBucket on each configured events bucket, only under its events
 * prefix: the `s3:prefix` condition key limits what a ListObjectsV2 may
 * ask for (S3 user guide, "Bucket policy examples using condition keys",
 * and the Service Authorization Reference's `s3:prefix` for ListBucket).
 */
export function eventsListStatements(
  config: AppConfig,
  partition: string,
): PermissionStatement[] {
  const byBucket = new Map<string, Set<string>>();
  for (const f of recoverableFileSystems(config)) {
    const prefixes = byBucket.get(f.eventsBucket) ?? new Set<string>();
    prefixes.add(`${f.eventsPrefix}*`);
    byBucket.set(f.eventsBucket, prefixes);
  }
  return [...byBucket].map(([bucket, prefixes]) => ({
    actions: ['s3:ListBucket'],
    resources: [bucketArn(partition, bucket)],
    conditions: [
      { test: 'StringLike', variable: 's3:prefix', values: [...prefixes] },
    ],
  }));
}

/** Writing under `recoveries/` in burstguard's own bucket, nothing else. */
export function ownBucketWriteStatement(
  partition: string,
  bucket: string,
): PermissionStatement {
  return {
    actions: ['s3:PutObject'],
    resources: [`${bucketArn(partition, bucket)}/${RECOVERY_OBJECT_PREFIX}*`],
  };
}

type PolicyStatement = {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
};

/** The recovery state machine role's statements. */
export function recoveryStateMachineStatements(args: {
  config: AppConfig;
  account: AwsAccount;
  prefix: string;
  bucket: string;
  lambdaArns: readonly string[];
}): PolicyStatement[] {
  const { account, prefix } = args;
  const self = recoveryStateMachineArn(account, prefix);
  const children = `arn:${account.partition}:states:${account.region}:${account.accountId}:execution:${recoveryStateMachineName(prefix)}/*`;
  return [
    {
      Sid: 'InvokeRecoveryLambdas',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: invokeResources(args.lambdaArns),
    },
    {
      Sid: 'StartMapRunChildren',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: [self],
    },
    {
      Sid: 'ManageMapRunChildren',
      Effect: 'Allow',
      Action: [
        'states:DescribeExecution',
        'states:StopExecution',
        'states:RedriveExecution',
      ],
      Resource: [children],
    },
    ...eventsListStatements(args.config, account.partition).map((s, i) => ({
      Sid: `ListEventsBucket${i}`,
      Effect: 'Allow' as const,
      Action: s.actions,
      Resource: s.resources as string[],
      Condition: {
        StringLike: { 's3:prefix': s.conditions?.[0]?.values ?? [] },
      },
    })),
    {
      Sid: 'WriteMapRunResults',
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:ListMultipartUploadParts',
        's3:AbortMultipartUpload',
      ],
      Resource: [
        `${bucketArn(account.partition, args.bucket)}/${RECOVERY_OBJECT_PREFIX}*`,
      ],
    },
    {
      Sid: 'DeliverExecutionLogs',
      Effect: 'Allow',
      Action: [...LOG_DELIVERY_ACTIONS],
      Resource: ['*'],
    },
  ];
}

export type RecoveryResources = {
  bucket: aws.s3.Bucket;
  stateMachine: aws.sfn.StateMachine;
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
  failureRule: aws.cloudwatch.EventRule;
};

/**
 * Creates the own bucket (private, encrypted, objects expire after
 * {@link RECOVERY_OBJECT_DAYS} days) and the recovery state machine.
 */
export function createRecovery(
  args: {
    prefix: string;
    config: AppConfig;
    account: AwsAccount;
    lambdaArns: Record<RecoveryLambdaName, pulumi.Input<string>>;
    /** How long the offer waits for an approver, in seconds. */
    offerTimeoutSeconds?: number;
    tags?: Record<string, string>;
  },
  opts?: pulumi.CustomResourceOptions,
): RecoveryResources {
  const { prefix, account, tags } = args;
  const bucketName = recoveryBucketName(account, prefix);
  const bucket = new aws.s3.Bucket(
    `${prefix}-recovery-bucket`,
    { bucket: bucketName, tags },
    opts,
  );
  new aws.s3.BucketPublicAccessBlock(
    `${prefix}-recovery-bucket-private`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${prefix}-recovery-bucket-expiry`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: 'expire-recoveries',
          status: 'Enabled',
          filter: { prefix: RECOVERY_OBJECT_PREFIX },
          expiration: { days: RECOVERY_OBJECT_DAYS },
        },
      ],
    },
    opts,
  );

  const arns = pulumi
    .all(args.lambdaArns)
    .apply((resolved) => resolved as Record<RecoveryLambdaName, string>);
  const { stateMachine, role, policy } = createStandardStateMachine(
    {
      name: `${prefix}-recovery`,
      machineName: recoveryStateMachineName(prefix),
      roleDescription:
        'burstguard recovery state machine: lists the Langfuse events bucket, replays through the recovery Lambdas',
      accountId: account.accountId,
      ...(tags ? { tags } : {}),
      statements: arns.apply((resolved) =>
        recoveryStateMachineStatements({
          config: args.config,
          account,
          prefix,
          bucket: bucketName,
          lambdaArns: RECOVERY_LAMBDAS.map((name) => resolved[name]),
        }),
      ),
      definition: arns.apply((resolved) =>
        JSON.stringify(
          buildRecoveryDefinition(resolved, account.partition, {
            resultsBucket: bucketName,
            batchSize: args.config.recovery.batchSize,
            maxConcurrency: args.config.recovery.maxConcurrency,
            ...(args.offerTimeoutSeconds
              ? { offerTimeoutSeconds: args.offerTimeoutSeconds }
              : {}),
          }),
        ),
      ),
    },
    opts,
  );

  // A Map Run that gives up fails the execution uncaught (so that a redrive
  // can resume it): this rule hands the execution-status event to
  // FinishRecovery, which tells the thread (EventBridge user guide,
  // "Amazon EventBridge targets": a Lambda target needs a resource-based
  // permission for events.amazonaws.com).
  const failureRule = new aws.cloudwatch.EventRule(
    `${prefix}-recovery-failed`,
    {
      description:
        'burstguard: a recovery execution failed, timed out or was stopped; FinishRecovery tells the thread',
      eventPattern: stateMachine.arn.apply((arn) =>
        JSON.stringify({
          ...RECOVERY_FAILURE_NOTICE,
          detail: { ...RECOVERY_FAILURE_NOTICE.detail, stateMachineArn: [arn] },
        }),
      ),
      tags,
    },
    opts,
  );
  new aws.lambda.Permission(
    `${prefix}-recovery-failed-invoke`,
    {
      action: 'lambda:InvokeFunction',
      function: args.lambdaArns['finish-recovery'],
      principal: 'events.amazonaws.com',
      sourceArn: failureRule.arn,
    },
    opts,
  );
  new aws.cloudwatch.EventTarget(
    `${prefix}-recovery-failed-target`,
    { rule: failureRule.name, arn: args.lambdaArns['finish-recovery'] },
    opts,
  );
  return { bucket, stateMachine, role, policy, failureRule };
}
