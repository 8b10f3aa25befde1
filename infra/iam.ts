/// <reference path="../sst-env.d.ts" />
/**
 * Least-privilege IAM for burstguard's Lambdas: one list of statements per
 * function, in the shape `sst.aws.Function`'s `permissions` takes, plus the
 * SST resources each function links (which grant no IAM of their own).
 *
 * Every grant names the API call a handler makes; `test/infra/iam.test.ts`
 * checks them against the handlers and adapters.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { Resource } from 'sst';
import type { AppConfig } from '../shared/domain/config.ts';
import type { ENTRY_FUNCTIONS, LambdaName } from '../workflows/definition.ts';
import type { RecoveryLambdaName } from '../workflows/recovery.ts';

/** Where the app is deployed; ARNs are built from it. */
export type AwsAccount = {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  partition: string;
  region: string;
  accountId: string;
};

/** One IAM Allow statement, as `sst.aws.Function`'s `permissions` item. */
export type PermissionStatement = {
  actions: string[];
  resources: pulumi.Input<string>[];
  /**
   * IAM conditions (SST FunctionPermissionArgs `conditions`: `test` is the
   * operator, `variable` the context key).
   */
  conditions?: { test: string; variable: string; values: string[] }[];
};

/**
 * Every function sst.config.ts deploys: the steps, the Slack endpoint and
 * the scheduled preflight.
 */
export type FunctionName =
  | LambdaName
  | (typeof ENTRY_FUNCTIONS)[number]
  | RecoveryLambdaName;

/** SST resources a handler reads through `Resource.<name>`. */
export type LinkName =
  | 'SlackBotToken'
  | 'SlackSigningSecret'
  | 'ClickHousePassword'
  | 'ClickHouseCredentials'
  | 'ClickHouseCaCertificate'
  | 'PagerWebhookUrl'
  | 'Incidents';

// Every link name is a resource sst-env.d.ts types for the handlers.
type LinkNamesAreResources = LinkName extends keyof Resource ? true : never;
export const LINK_NAMES_ARE_RESOURCES: LinkNamesAreResources = true;

/**
 * Which SST resources each function links. Secrets grant no IAM (SST puts
 * their values in the function's encrypted environment); `Incidents` is a
 * plain `sst.Linkable` carrying the table name, so the table's IAM comes
 * from {@link INCIDENT_TABLE_ACTIONS} instead of SST Dynamo's `dynamodb:*`.
 */
export const FUNCTION_LINKS: Record<FunctionName, readonly LinkName[]> = {
  normalize: [],
  'open-incident': ['Incidents'],
  'resolve-incident': ['Incidents'],
  'collect-efs': [],
  'collect-langfuse': [],
  'collect-clickhouse': [
    'ClickHouseCredentials',
    'ClickHousePassword',
    'ClickHouseCaCertificate',
  ],
  diagnose: [],
  notify: ['SlackBotToken', 'PagerWebhookUrl', 'Incidents'],
  'request-approval': ['SlackBotToken', 'Incidents'],
  remediate: ['Incidents'],
  verify: [],
  'slack-interactions': ['SlackBotToken', 'SlackSigningSecret', 'Incidents'],
  preflight: ['SlackBotToken', 'Incidents'],
  advisor: ['SlackBotToken', 'Incidents'],
  'plan-recovery': ['SlackBotToken', 'Incidents'],
  // The Langfuse admin key is the credentials secret's `langfuseAdminKey`;
  // the secret holds the ClickHouse logins too (docs/recovery.md).
  'replay-batch': ['ClickHouseCredentials'],
  'record-recovery-progress': ['SlackBotToken', 'Incidents'],
  'offer-recovery': ['SlackBotToken', 'Incidents'],
  'finish-recovery': ['SlackBotToken', 'Incidents'],
};

/**
 * The incident store reads with GetItem and changes items only with
 * conditional UpdateItem, which also creates them
 * (shared/adapters/dynamo-incident-store.ts). No PutItem: an unconditional
 * put could overwrite another execution's open incident.
 */
export const INCIDENT_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:UpdateItem',
] as const;

/**
 * Task-token callbacks for the Slack endpoint, scoped to the state machine
 * as CDK's `StateMachine.grantTaskResponse` does, but only the call the
 * endpoint makes: a decline is a SendTaskSuccess with `approved: false`
 * (shared/domain/slack/interaction.ts approvalTaskOutput), so SendTaskFailure is
 * not granted.
 */
export const TASK_CALLBACK_ACTIONS = ['states:SendTaskSuccess'] as const;

/** `arn:PARTITION:elasticfilesystem:REGION:ACCOUNT:file-system/fs-...`. */
export function fileSystemArn(
  account: AwsAccount,
  fileSystemId: string,
): string {
  return `arn:${account.partition}:elasticfilesystem:${account.region}:${account.accountId}:file-system/${fileSystemId}`;
}

/** `arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm:NAME`. */
export function alarmArn(account: AwsAccount, alarmName: string): string {
  return `arn:${account.partition}:cloudwatch:${account.region}:${account.accountId}:alarm:${alarmName}`;
}

/** `arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME`. */
export function logGroupArn(account: AwsAccount, logGroupName: string): string {
  return `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:${logGroupName}`;
}

/**
 * Logs Insights calls scoped to log groups. The Service Authorization
 * Reference (Amazon CloudWatch Logs) gives StartQuery and GetQueryResults
 * the required resource type `log-group`, and lists `logs:FilterLogEvents`
 * among their dependent actions; FilterLogEvents reads the same log groups,
 * so it is granted on them too. Its other dependent actions
 * (DescribeLogGroups, DescribeQueryDefinitions, Unmask) reach beyond these
 * log groups or reveal masked data, are not needed by a query that names
 * its log groups, and are not granted: should AWS require them, the
 * collector reports why and counts from the metric filters.
 */
export const LOGS_INSIGHTS_LOG_GROUP_ACTIONS = [
  'logs:StartQuery',
  'logs:GetQueryResults',
  'logs:FilterLogEvents',
] as const;

/**
 * StopQuery takes only a query id: the Service Authorization Reference lists
 * no resource type for it, so its Resource is `*`.
 */
export const LOGS_INSIGHTS_STOP_ACTIONS = ['logs:StopQuery'] as const;

/**
 * Logs Insights for the Langfuse collector on the configured Langfuse log
 * groups (`arn:${Partition}:logs:${Region}:${Account}:log-group:${Name}`,
 * and with `:*` as DescribeLogGroups prints it), and stopping its own
 * query. Nothing without log groups.
 */
export function logsInsightsStatements(
  account: AwsAccount,
  logGroupNames: readonly string[],
): PermissionStatement[] {
  const names = [...new Set(logGroupNames)];
  if (names.length === 0) return [];
  return [
    {
      actions: [...LOGS_INSIGHTS_LOG_GROUP_ACTIONS],
      resources: names.flatMap((name) => [
        logGroupArn(account, name),
        `${logGroupArn(account, name)}:*`,
      ]),
    },
    { actions: [...LOGS_INSIGHTS_STOP_ACTIONS], resources: ['*'] },
  ];
}

function incidentTableStatement(
  incidentTableArn: pulumi.Input<string>,
): PermissionStatement {
  return {
    actions: [...INCIDENT_TABLE_ACTIONS],
    resources: [incidentTableArn],
  };
}

/**
 * CloudWatch's GetMetricData has no resource-level permissions (Service
 * Authorization Reference, Amazon CloudWatch), so its Resource is `*`.
 */
const getMetricData: PermissionStatement = {
  actions: ['cloudwatch:GetMetricData'],
  resources: ['*'],
};

/**
 * GetMetricWidgetImage, for the charts Notify attaches in the thread, has
 * no resource-level permissions either (Service Authorization Reference,
 * Amazon CloudWatch), so its Resource is `*`. It draws metrics only; it
 * reads no alarm and changes nothing.
 */
const getMetricWidgetImage: PermissionStatement = {
  actions: ['cloudwatch:GetMetricWidgetImage'],
  resources: ['*'],
};

/**
 * The alarms ResolveIncident, OpenIncident (an idle incident's) and the
 * preflight's incident check may read: the ones the app creates for each
 * file system (`<prefix>-<fileSystemId>-<kind>`, infra/alarms.ts), and
 * those the configuration lists by name. DescribeAlarms accepts the alarm
 * resource type (Service Authorization Reference, Amazon CloudWatch), so
 * the grant names these ARNs rather than `*`; the CloudWatch API reference
 * notes that composite alarms can only be read with `*`, which is why
 * only metric alarms are read.
 */
export function watchedAlarmArns(
  config: AppConfig,
  account: AwsAccount,
  alarmPrefix: string,
): string[] {
  const created = config.fileSystems.map((f) =>
    alarmArn(account, `${alarmPrefix}-${f.fileSystemId}-*`),
  );
  const listed = config.fileSystems
    .flatMap((f) => f.alarmNames)
    .map((name) => alarmArn(account, name));
  return [...new Set([...created, ...listed])];
}

/**
 * The IAM statements of each step Lambda: EFS reads on the configured file
 * systems only, UpdateFileSystem only on those with `remediationAllowed`,
 * DescribeAlarms on this app's alarms only, and the incident table for the
 * functions that link it.
 */
export function stepFunctionPermissions(options: {
  config: AppConfig;
  account: AwsAccount;
  incidentTableArn: pulumi.Input<string>;
  /** `<app>-<stage>`, the start of every alarm name the app creates. */
  alarmPrefix: string;
  /** Langfuse worker log groups per file system (the deploy file's). */
  langfuseLogGroups?: Record<string, readonly string[]>;
}): Record<LambdaName, PermissionStatement[]> {
  const { config, account, incidentTableArn } = options;
  const logGroups = config.fileSystems.flatMap(
    (f) => options.langfuseLogGroups?.[f.fileSystemId] ?? [],
  );
  const watched = config.fileSystems.map((f) =>
    fileSystemArn(account, f.fileSystemId),
  );
  const allowlisted = config.fileSystems
    .filter((f) => f.remediationAllowed)
    .map((f) => fileSystemArn(account, f.fileSystemId));
  const table = incidentTableStatement(incidentTableArn);
  const describeAlarms = describeWatchedAlarms(
    config,
    account,
    options.alarmPrefix,
  );
  return {
    normalize: [],
    'open-incident': [table, describeAlarms],
    'resolve-incident': [table, describeAlarms],
    'collect-efs': [
      {
        actions: ['elasticfilesystem:DescribeFileSystems'],
        resources: watched,
      },
      getMetricData,
    ],
    'collect-langfuse': [
      getMetricData,
      ...logsInsightsStatements(account, logGroups),
    ],
    verify: [
      {
        actions: ['elasticfilesystem:DescribeFileSystems'],
        resources: watched,
      },
      getMetricData,
    ],
    'collect-clickhouse': [],
    diagnose: [],
    notify: [table, getMetricWidgetImage],
    'request-approval': [table],
    remediate: [
      table,
      // IAM rejects a statement without resources: with an empty allowlist
      // Remediate gets no EFS access at all, and refuses before calling.
      ...(allowlisted.length > 0
        ? [
            {
              actions: [
                'elasticfilesystem:DescribeFileSystems',
                'elasticfilesystem:UpdateFileSystem',
              ],
              resources: allowlisted,
            },
          ]
        : []),
    ],
  };
}

/**
 * The Slack interactions endpoint: the incident table, and the task-token
 * callbacks on this app's state machine only.
 */
export function slackInteractionsPermissions(options: {
  incidentTableArn: pulumi.Input<string>;
  stateMachineArn: pulumi.Input<string>;
  /** The recovery state machine, whose offer the endpoint answers too. */
  recoveryStateMachineArn?: pulumi.Input<string>;
}): PermissionStatement[] {
  return [
    incidentTableStatement(options.incidentTableArn),
    {
      actions: [...TASK_CALLBACK_ACTIONS],
      resources: [
        options.stateMachineArn,
        ...(options.recoveryStateMachineArn
          ? [options.recoveryStateMachineArn]
          : []),
      ],
    },
  ];
}

/**
 * The recovery's functions. PlanRecovery lists the events bucket's project
 * prefixes, only under the configured events prefix; RecordProgress writes
 * failed keys and skip reasons under `recoveries/` in burstguard's own
 * bucket; the offer answers its own task token when policy decides; and
 * ReplayBatch calls Langfuse alone, so it has no AWS permission at all.
 */
export function recoveryPermissions(options: {
  incidentTableArn: pulumi.Input<string>;
  recoveryStateMachineArn: pulumi.Input<string>;
  eventsList: PermissionStatement[];
  ownBucketWrite: PermissionStatement;
}): Record<
  Exclude<RecoveryLambdaName, 'collect-clickhouse'>,
  PermissionStatement[]
> {
  const table = incidentTableStatement(options.incidentTableArn);
  return {
    'plan-recovery': [table, ...options.eventsList],
    'replay-batch': [],
    'record-recovery-progress': [table, options.ownBucketWrite],
    'offer-recovery': [
      table,
      {
        actions: [...TASK_CALLBACK_ACTIONS],
        resources: [options.recoveryStateMachineArn],
      },
    ],
    'finish-recovery': [table],
  };
}

/**
 * The advisor starts the runs Apply queued: StartExecution on this app's
 * state machine only.
 */
export const ADVICE_APPLY_ACTIONS = ['states:StartExecution'] as const;

/**
 * The weekly advisor: DescribeFileSystems on the configured file systems,
 * their metrics and the digest's charts, the incident table (price cache
 * snoozes and queued Applies: GetItem and UpdateItem), StartExecution on
 * the state machine for a queued Apply, and the Price List API's
 * GetProducts, which has no resource types: the Service Authorization
 * Reference (AWS Price List) lists `pricing:GetProducts` with no resource,
 * so its Resource is `*`.
 */
export function advisorPermissions(options: {
  config: AppConfig;
  account: AwsAccount;
  incidentTableArn: pulumi.Input<string>;
  stateMachineArn: pulumi.Input<string>;
}): PermissionStatement[] {
  return [
    {
      actions: [...ADVICE_APPLY_ACTIONS],
      resources: [options.stateMachineArn],
    },
    {
      actions: ['elasticfilesystem:DescribeFileSystems'],
      resources: options.config.fileSystems.map((f) =>
        fileSystemArn(options.account, f.fileSystemId),
      ),
    },
    getMetricData,
    getMetricWidgetImage,
    incidentTableStatement(options.incidentTableArn),
    { actions: ['pricing:GetProducts'], resources: ['*'] },
  ];
}

/** DescribeAlarms on the alarms an incident can have joined. */
function describeWatchedAlarms(
  config: AppConfig,
  account: AwsAccount,
  alarmPrefix: string,
): PermissionStatement {
  return {
    actions: ['cloudwatch:DescribeAlarms'],
    resources: watchedAlarmArns(config, account, alarmPrefix),
  };
}

/**
 * The scheduled preflight reads burst credits and posts to Slack, and
 * checks open incidents: the incident table (GetItem, and the conditional
 * UpdateItem that resolves) and DescribeAlarms on the same alarms as
 * ResolveIncident.
 */
export function preflightPermissions(options: {
  config: AppConfig;
  account: AwsAccount;
  incidentTableArn: pulumi.Input<string>;
  alarmPrefix: string;
}): PermissionStatement[] {
  return [
    getMetricData,
    incidentTableStatement(options.incidentTableArn),
    describeWatchedAlarms(options.config, options.account, options.alarmPrefix),
  ];
}

/**
 * The trust policy of a role an AWS service assumes, as JSON. With the
 * account, the `aws:SourceAccount` condition guards against the confused
 * deputy (IAM user guide, "The confused deputy problem"): only the service
 * acting for this account may assume the role.
 */
export function serviceAssumeRolePolicy(
  service: string,
  accountId: string | undefined,
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(accountId
          ? { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } }
          : {}),
      },
    ],
  });
}
