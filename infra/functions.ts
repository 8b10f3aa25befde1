/**
 * How sst.config.ts deploys each Lambda: one row per function (handler,
 * VPC, permissions, URL, concurrency, links), mapped 1:1 onto
 * `sst.aws.Function`'s arguments by {@link sstFunctionArgs}. Plain data, so
 * it is tested, and shown by `npm run synth`, without the SST CLI.
 */

import type * as pulumi from '@pulumi/pulumi';
import type { AppConfig } from '../shared/domain/config.ts';
import { ADVICE_APPLY_POLL_MINUTES } from '../shared/domain/slack/advice-actions.ts';
import { ENTRY_FUNCTIONS, LAMBDAS } from '../workflows/definition.ts';
import {
  RECOVERY_LAMBDAS,
  REPLAY_BATCH_TIMEOUT_SECONDS,
} from '../workflows/recovery.ts';
import {
  type AwsAccount,
  advisorPermissions,
  FUNCTION_LINKS,
  type FunctionName,
  type LinkName,
  type PermissionStatement,
  preflightPermissions,
  recoveryPermissions,
  slackInteractionsPermissions,
  stepFunctionPermissions,
} from './iam.ts';
import type { FunctionVpc } from './network.ts';
import { eventsListStatements, ownBucketWriteStatement } from './recovery.ts';
import { LAMBDA_ARCHITECTURE } from './sst-build.ts';

/**
 * Every function: the workflow's steps, the recovery's (collect-clickhouse
 * serves both), then the entry points.
 */
export const FUNCTION_NAMES: readonly FunctionName[] = [
  ...new Set<FunctionName>([
    ...LAMBDAS,
    ...RECOVERY_LAMBDAS,
    ...ENTRY_FUNCTIONS,
  ]),
];

/**
 * Shorter than the Task timeout (TASK_TIMEOUT_SECONDS.default, 30 s), so a slow function fails with its
 * own Lambda timeout error, which the state machine's Catch reports,
 * rather than a States.Timeout with no detail.
 */
export const FUNCTION_TIMEOUT_SECONDS = 20;

/**
 * Functions that run longer than a step: the weekly advisor reads and
 * simulates 14 days of 1-minute data per file system (bench/advisor.ts:
 * 0.6 to 2.2 s for 50 on a shared core) and posts a chart each; 5 minutes
 * leave room for slow CloudWatch pages and Slack uploads.
 */
export const LONG_TIMEOUTS_SECONDS: Partial<Record<FunctionName, number>> = {
  advisor: 300,
  // One replay request of up to 1,000 keys, paced to its share of the
  // request rate; shorter than its Task's timeout, as the steps' are.
  'replay-batch': REPLAY_BATCH_TIMEOUT_SECONDS - 10,
};

/** SST component name: `collect-efs` -> `CollectEfs`. */
export function componentName(name: FunctionName): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The handler path SST bundles: `functions/<name>/handler.handler`. */
export function functionHandler(name: FunctionName): string {
  return `functions/${name}/handler.handler`;
}

/**
 * How often the preflight forecasts burst credits. Its horizon is 6 h
 * (functions/preflight/core.ts), so an hourly run warns several times
 * before the credits run out.
 */
export const PREFLIGHT_SCHEDULE = 'rate(1 hour)';

/**
 * How often the advisor starts the runs queued by the advice's Apply
 * button: one GetItem per configured file system each time.
 */
export const ADVICE_APPLY_SCHEDULE =
  `rate(${ADVICE_APPLY_POLL_MINUTES} minutes)` as const;

/** An EventBridge schedule expression, as `sst.aws.Cron` takes it. */
export type AdvisorSchedule = `rate(${string})` | `cron(${string})`;

/**
 * When the throughput-mode advisor runs: the configuration's
 * `advisor.schedule`, weekly (`rate(7 days)`) unless set.
 */
export function advisorSchedule(
  config: Pick<AppConfig, 'advisor'>,
): AdvisorSchedule {
  return config.advisor.schedule as AdvisorSchedule;
}

/** Graviton: the same code, cheaper per GB-second than x86_64. */
export const FUNCTION_ARCHITECTURE = LAMBDA_ARCHITECTURE;

/**
 * Functions whose job is to read ClickHouse: the only ones in the VPC. A
 * step that needs ClickHouse data gets it from one of these (through the
 * state machine) rather than joining the VPC, which has no NAT.
 */
export const VPC_FUNCTIONS: readonly FunctionName[] = ['collect-clickhouse'];

/**
 * The function that posts to Langfuse's admin API joins the VPC too when a
 * file system's Langfuse is private (`recovery.langfuseInVpc`); it calls
 * Langfuse and nothing else, so it needs no NAT either.
 */
export function vpcFunctions(
  config: Pick<AppConfig, 'fileSystems'>,
): readonly FunctionName[] {
  return config.fileSystems.some((f) => f.recovery?.langfuseInVpc)
    ? [...VPC_FUNCTIONS, 'replay-batch']
    : VPC_FUNCTIONS;
}

/**
 * Function URLs. Slack calls the interactions endpoint without AWS
 * credentials, so it is public (`none`); the handler checks Slack's
 * request signature before anything else.
 */
export const FUNCTION_URLS: Partial<
  Record<FunctionName, { authorization: 'none' | 'iam' }>
> = { 'slack-interactions': { authorization: 'none' } };

/**
 * Reserved concurrency per function. Only the Slack endpoint has one: its
 * function URL is public, and a flood of requests to it must not take the
 * account's concurrency from the runbook's other functions (a reservation
 * is both the function's floor and its ceiling: Lambda developer guide,
 * "Configuring reserved concurrency for a function"). The others run once
 * per incident, and a reservation would take from the account's pool.
 * `slackEndpointReservedConcurrency: 0` leaves the endpoint unreserved:
 * Lambda keeps 100 units of the account unreserved, so an account with a
 * small quota may have nothing to reserve (same guide).
 */
export function reservedConcurrency(
  config: Pick<AppConfig, 'slackEndpointReservedConcurrency'>,
): Partial<Record<FunctionName, number>> {
  const slack = config.slackEndpointReservedConcurrency;
  return slack > 0 ? { 'slack-interactions': slack } : {};
}

/** One function as deployed. */
export type FunctionSpec = {
  name: FunctionName;
  /** SST component name, e.g. `CollectClickhouse`. */
  component: string;
  handler: string;
  timeoutSeconds: number;
  /** Subnets and security groups; only for {@link VPC_FUNCTIONS}. */
  vpc?: FunctionVpc;
  /** Its IAM statements (infra/iam.ts). */
  permissions: PermissionStatement[];
  url?: { authorization: 'none' | 'iam' };
  reservedConcurrency?: number;
  /** SST resources it reads through `Resource.<name>`. */
  links: readonly LinkName[];
  /** Environment of its own, beside the configuration every function has. */
  environment?: Record<string, pulumi.Input<string>>;
};

/**
 * Every function's row. The ClickHouse collector gets `clickhouseVpc`
 * when one is configured; the other functions never get a VPC.
 */
export function functionTable(context: {
  config: AppConfig;
  account: AwsAccount;
  incidentTableArn: pulumi.Input<string>;
  stateMachineArn: pulumi.Input<string>;
  /** `<app>-<stage>`, the start of every alarm name the app creates. */
  alarmPrefix: string;
  /** Langfuse worker log groups per file system (the deploy file's). */
  langfuseLogGroups?: Record<string, readonly string[]>;
  clickhouseVpc?: FunctionVpc;
  /** The recovery state machine's ARN (before it exists). */
  recoveryStateMachineArn: pulumi.Input<string>;
  /** burstguard's own bucket, where the recovery writes. */
  recoveryBucket: string;
}): Record<FunctionName, FunctionSpec> {
  const permissions: Record<FunctionName, PermissionStatement[]> = {
    ...stepFunctionPermissions(context),
    ...recoveryPermissions({
      incidentTableArn: context.incidentTableArn,
      recoveryStateMachineArn: context.recoveryStateMachineArn,
      eventsList: eventsListStatements(
        context.config,
        context.account.partition,
      ),
      ownBucketWrite: ownBucketWriteStatement(
        context.account.partition,
        context.recoveryBucket,
      ),
    }),
    'slack-interactions': slackInteractionsPermissions(context),
    preflight: preflightPermissions(context),
    advisor: advisorPermissions(context),
  };
  const inVpc = vpcFunctions(context.config);
  const table = {} as Record<FunctionName, FunctionSpec>;
  const reserved = reservedConcurrency(context.config);
  for (const name of FUNCTION_NAMES) {
    const vpc = inVpc.includes(name) ? context.clickhouseVpc : undefined;
    const url = FUNCTION_URLS[name];
    const reservedConcurrency = reserved[name];
    table[name] = {
      name,
      component: componentName(name),
      handler: functionHandler(name),
      timeoutSeconds: LONG_TIMEOUTS_SECONDS[name] ?? FUNCTION_TIMEOUT_SECONDS,
      permissions: permissions[name],
      links: FUNCTION_LINKS[name],
      ...(vpc ? { vpc } : {}),
      ...(url ? { url } : {}),
      ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
      // The advisor starts the runs the advice's Apply button queued.
      ...(name === 'advisor'
        ? {
            environment: {
              BURSTGUARD_STATE_MACHINE_ARN: context.stateMachineArn,
            },
          }
        : {}),
    };
  }
  return table;
}

/**
 * The arguments of `new sst.aws.Function(spec.component, ...)` for a row:
 * every field of the row, under the names SST's FunctionArgs uses
 * (sst platform `src/components/aws/function.ts`: `vpc` with
 * `privateSubnets` and `securityGroups`, `url`, `concurrency.reserved`,
 * `permissions`, `link`), plus what all functions share.
 */
export function sstFunctionArgs<Nodejs>(
  spec: FunctionSpec,
  shared: {
    /** Lambda's supported Node.js runtimes (SST's FunctionArgs `runtime`). */
    runtime: 'nodejs22.x' | 'nodejs24.x';
    environment: Record<string, string>;
    linkables: Record<LinkName, unknown>;
    nodejs: Nodejs;
  },
) {
  return {
    handler: spec.handler,
    runtime: shared.runtime,
    architecture: FUNCTION_ARCHITECTURE,
    timeout: `${spec.timeoutSeconds} seconds` as const,
    environment: { ...shared.environment, ...spec.environment },
    link: spec.links.map((link) => shared.linkables[link]),
    permissions: spec.permissions,
    nodejs: shared.nodejs,
    ...(spec.vpc ? { vpc: spec.vpc } : {}),
    ...(spec.url ? { url: spec.url } : {}),
    ...(spec.reservedConcurrency !== undefined
      ? { concurrency: { reserved: spec.reservedConcurrency } }
      : {}),
  };
}

/**
 * The SST secrets, with their placeholder where unset is allowed
 * (`new sst.Secret(name, placeholder)`; without one, deploy stops until
 * `sst secret set` gives a value: sst platform `src/components/secret.ts`).
 * `ClickHouseCredentials` is JSON keyed by file system id; the per-stage
 * `ClickHousePassword` and `ClickHouseCaCertificate` are the default of the
 * file systems it does not name (shared/domain/credentials.ts). An empty
 * ClickHouse CA means the system's public CAs; an empty pager webhook, no
 * pager (reminders go to the Slack thread alone).
 */
export const SECRETS = {
  SlackBotToken: undefined,
  SlackSigningSecret: undefined,
  ClickHouseCredentials: '',
  ClickHousePassword: '',
  ClickHouseCaCertificate: '',
  PagerWebhookUrl: '',
} as const satisfies Partial<Record<LinkName, string | undefined>>;
