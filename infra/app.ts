/**
 * The app `sst deploy` creates, in the order sst.config.ts's `run` builds
 * it. SST's own components (`sst.aws.Dynamo`, `sst.Secret`,
 * `sst.Linkable`, `sst.aws.Function`, `sst.aws.Cron`) exist only as the
 * globals SST defines while it runs sst.config.ts, so sst.config.ts hands
 * them in; everything else is Pulumi resources from the modules of infra/.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { approvalSettings } from '../shared/domain/config.ts';
import { LAMBDAS, type LambdaName } from '../workflows/definition.ts';
import {
  RECOVERY_LAMBDAS,
  type RecoveryLambdaName,
} from '../workflows/recovery.ts';
import { createAlarmRule, ruleAlarms } from './alarm-rule.ts';
import { createAlarms, withAlarmNames } from './alarms.ts';
import {
  clickhousePorts,
  configEnvironment,
  configFilePath,
  langfusePrivatePorts,
  loadDeployConfig,
  withInsightsLogGroups,
  withRecoveryBucket,
} from './deploy-config.ts';
import {
  ADVICE_APPLY_SCHEDULE,
  type AdvisorSchedule,
  advisorSchedule,
  FUNCTION_NAMES,
  functionTable,
  PREFLIGHT_SCHEDULE,
  SECRETS,
  sstFunctionArgs,
} from './functions.ts';
import type { AwsAccount, FunctionName } from './iam.ts';
import { collectorNetwork } from './network.ts';
import {
  createRecovery,
  recoverableFileSystems,
  recoveryBucketName,
  recoveryStateMachineArn,
} from './recovery.ts';
import {
  checkLangfuseAdminKeys,
  clickhouseCredentialSources,
} from './secrets.ts';
import { LAMBDA_NODEJS, LAMBDA_RUNTIME } from './sst-build.ts';
import { createStateMachine, stateMachineArn } from './state-machine.ts';

type TableFunctionArgs = ReturnType<
  typeof sstFunctionArgs<{
    format: 'esm';
    minify: true;
    plugins: string;
  }>
>;

/** SST's components, as sst.config.ts makes them. */
export type SstComponents = {
  dynamo(
    name: string,
    args: {
      fields: { fileSystemId: 'string' };
      primaryIndex: { hashKey: 'fileSystemId' };
    },
  ): { name: pulumi.Output<string>; arn: pulumi.Output<string> };
  secret(name: string, placeholder?: string): unknown;
  linkable(
    name: string,
    args: { properties: { name: pulumi.Output<string> } },
  ): unknown;
  fn(
    name: string,
    args: TableFunctionArgs,
  ): { arn: pulumi.Output<string>; url: pulumi.Output<string> };
  cron(
    name: string,
    args: {
      schedule: typeof PREFLIGHT_SCHEDULE | AdvisorSchedule;
      function: pulumi.Output<string>;
      /** What the schedule passes the function (SST Cron `event`). */
      event?: Record<string, string>;
    },
  ): unknown;
};

/**
 * Every resource of the app (sst.config.ts `run`), for `<name>-<stage>`;
 * returns the outputs `sst deploy` prints.
 */
export async function deployRunbook(options: {
  app: { name: string; stage: string };
  env: NodeJS.ProcessEnv;
  sst: SstComponents;
}) {
  const { sst } = options;
  // Configuration: burstguard.config.json, or BURSTGUARD_CONFIG_FILE.
  const { config, langfuseLogGroups, clickhouseNetwork } = loadDeployConfig(
    configFilePath(options.env),
  );
  // The ClickHouse credentials of each file system, checked against the
  // configuration before anything is created.
  const credentialSources = clickhouseCredentialSources(config, options.env);
  checkLangfuseAdminKeys(config, options.env);
  const prefix = `${options.app.name}-${options.app.stage}`;
  const [identity, partition] = await Promise.all([
    aws.getCallerIdentity({}),
    aws.getPartition({}),
  ]);
  const account: AwsAccount = {
    partition: partition.partition,
    region: config.region,
    accountId: identity.accountId,
  };

  // Alarms on EFS and on Langfuse's log lines, per file system. The
  // Lambdas' configuration names the Langfuse alarms, which carry no
  // FileSystemId dimension ...
  const { alarms } = createAlarms({ prefix, config, langfuseLogGroups });
  // ... and the log groups the Langfuse collector queries with Logs
  // Insights for exact dropped-record counts.
  const runtimeConfig = withInsightsLogGroups(
    withAlarmNames(config, alarms),
    langfuseLogGroups,
  );

  // Incident store, one item per file system. Functions link its name
  // only: their IAM comes from infra/iam.ts, not Dynamo's dynamodb:*.
  const table = sst.dynamo('IncidentTable', {
    fields: { fileSystemId: 'string' },
    primaryIndex: { hashKey: 'fileSystemId' },
  });

  // Secrets: `npx sst secret set <Name> <value> --stage <stage>`; those
  // with a placeholder may stay unset.
  // One per row of the SECRETS table (infra/functions.ts).
  const secrets = Object.fromEntries(
    Object.entries(SECRETS).map(([name, placeholder]) => [
      name,
      sst.secret(name, placeholder),
    ]),
  ) as Record<keyof typeof SECRETS, unknown>;
  const linkables = {
    ...secrets,
    Incidents: sst.linkable('Incidents', { properties: { name: table.name } }),
  };

  // The ClickHouse collector's subnets and security group (created when
  // the configuration names a VPC instead of security groups).
  const network = collectorNetwork({
    prefix,
    network: clickhouseNetwork,
    ports: clickhousePorts(config),
    langfusePorts: langfusePrivatePorts(config),
  });

  // Lambdas: one per folder under functions/. SST bundles each with the
  // options infra/sst-build.ts replicates; only what SST reads is passed
  // (test/deploy/bundles.test.ts builds and runs them that way).
  const bundling = {
    format: LAMBDA_NODEJS.format,
    minify: LAMBDA_NODEJS.minify,
    plugins: LAMBDA_NODEJS.plugins,
  };
  // The recovery of dropped records: burstguard's own bucket and the
  // recovery state machine, named before they exist so the configuration,
  // the grants and the runbook's StartRecovery can name them.
  const recoverable = recoverableFileSystems(config).length > 0;
  const recoveryBucket = recoveryBucketName(account, prefix);
  const recoveryArn = recoveryStateMachineArn(account, prefix);
  const environment = configEnvironment(
    recoverable
      ? withRecoveryBucket(runtimeConfig, recoveryBucket)
      : runtimeConfig,
  );

  // One sst.aws.Function per row of the function table (infra/functions.ts).
  // The Slack endpoint's grant names the state machine by its ARN, which
  // the Lambdas' ARNs must exist to create.
  const functions = functionTable({
    config,
    account,
    incidentTableArn: table.arn,
    alarmPrefix: prefix,
    stateMachineArn: stateMachineArn(account, prefix),
    recoveryStateMachineArn: recoveryArn,
    recoveryBucket,
    ...(network ? { clickhouseVpc: network.vpc } : {}),
    langfuseLogGroups,
  });
  const deployed = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [
      name,
      sst.fn(
        functions[name].component,
        sstFunctionArgs(functions[name], {
          runtime: LAMBDA_RUNTIME,
          environment,
          linkables,
          nodejs: bundling,
        }),
      ),
    ]),
  ) as Record<FunctionName, ReturnType<SstComponents['fn']>>;
  const fn = (name: FunctionName) => deployed[name];
  const lambdaArns = Object.fromEntries(
    LAMBDAS.map((name) => [name, fn(name).arn]),
  ) as Record<LambdaName, pulumi.Output<string>>;

  // State machine: the JSONPath ASL of workflows/definition.ts.
  const { stateMachine } = createStateMachine({
    prefix,
    lambdaArns,
    accountId: account.accountId,
    partition: account.partition,
    approvalRoundSeconds: approvalSettings(config).roundSeconds,
    ...(recoverable ? { recoveryStateMachineArn: recoveryArn } : {}),
  });

  // The recovery state machine (workflows/recovery.ts), its bucket, and
  // the rule that tells the thread when a recovery fails uncaught.
  const recovery = recoverable
    ? createRecovery({
        prefix,
        config,
        account,
        lambdaArns: Object.fromEntries(
          RECOVERY_LAMBDAS.map((name) => [name, fn(name).arn]),
        ) as Record<RecoveryLambdaName, pulumi.Output<string>>,
      })
    : undefined;

  // The EventBridge rule: this app's alarms, and those the configuration
  // lists, start the state machine.
  createAlarmRule({
    prefix,
    alarms: ruleAlarms(config, account, alarms),
    stateMachineArn: stateMachine.arn,
    accountId: account.accountId,
  });

  // Slack interactivity: the approval buttons answer the task token.
  // Slack signs its requests; the handler checks that before anything.
  const slackInteractions = fn('slack-interactions');

  // Preflight: forecasts burst credits and warns before an incident.
  sst.cron('PreflightSchedule', {
    schedule: PREFLIGHT_SCHEDULE,
    function: fn('preflight').arn,
  });

  // The weekly throughput-mode advisor, on the configured schedule, and
  // every few minutes the runs its Apply button queued.
  const advisor = fn('advisor');
  sst.cron('AdvisorSchedule', {
    schedule: advisorSchedule(config),
    function: advisor.arn,
    event: { kind: 'digest' },
  });
  sst.cron('AdvisorApplySchedule', {
    schedule: ADVICE_APPLY_SCHEDULE,
    function: advisor.arn,
    event: { kind: 'apply-queued' },
  });

  return {
    stateMachineArn: stateMachine.arn,
    ...(recovery
      ? {
          recoveryStateMachineArn: recovery.stateMachine.arn,
          recoveryBucket: recovery.bucket.bucket,
        }
      : {}),
    incidentTable: table.name,
    slackInteractionsUrl: slackInteractions.url,
    // Where each file system's ClickHouse login comes from, e.g.
    // `fs-0123456789abcdef0 ClickHouseCredentials`; never a value.
    clickhouseCredentials: credentialSources.join(', '),
  };
}
