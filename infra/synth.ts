/**
 * A reviewer's view of what `sst deploy` creates, offline: the raw
 * resources of infra/ evaluated with Pulumi mocks, as sst.config.ts wires
 * them, plus one row per function from the function table, shaped as SST's
 * Function component turns its arguments into `aws.lambda.Function` and its
 * role. `sst.aws.Function` itself builds through the SST CLI and cannot run
 * under mocks, so its translation is mirrored here from the sst platform's
 * `src/components/aws/function.ts` (4.17.1): `vpcConfig` from `vpc`,
 * `reservedConcurrentExecutions` from `concurrency.reserved`, the inline
 * policy from `permissions`, and the managed policies
 * AWSLambdaBasicExecutionRole (logging on, the default) and
 * AWSLambdaVPCAccessExecutionRole (when `vpc` is set).
 */
import { createAlarmRule, ruleAlarms } from './alarm-rule.ts';
import { createAlarms, withAlarmNames } from './alarms.ts';
import {
  clickhousePorts,
  configEnvironment,
  type DeployConfig,
  langfusePrivatePorts,
  withInsightsLogGroups,
} from './deploy-config.ts';
import {
  FUNCTION_NAMES,
  type FunctionSpec,
  functionTable,
  PREFLIGHT_SCHEDULE,
  SECRETS,
  sstFunctionArgs,
} from './functions.ts';
import type { LinkName } from './iam.ts';
import {
  recordingMocks,
  registeredAll,
  resolve,
  SAMPLE_ACCOUNT_ID,
  sampleAccount,
} from './mocks.ts';
import { collectorNetwork } from './network.ts';
import {
  createRecovery,
  recoverableFileSystems,
  recoveryBucketName,
  recoveryStateMachineArn,
} from './recovery.ts';
import { LAMBDA_RUNTIME } from './sst-build.ts';
import { createStateMachine, stateMachineArn } from './state-machine.ts';

/** One resource as deploy would create it. */
export type SynthRow = {
  type: string;
  name: string;
  props: Record<string, unknown>;
};

/** The sample account the view is drawn for. */
export const SYNTH_ACCOUNT_ID = SAMPLE_ACCOUNT_ID;
/** The CIDR block the mocks give a configured VPC. */
export const SYNTH_VPC_CIDR = '10.0.0.0/16';
export const SYNTH_STAGE = 'synth';

const FUNCTION_TYPE = 'aws:lambda/function:Function';

/** Inputs that hold a JSON document as text, shown parsed. */
const JSON_INPUTS = [
  'policy',
  'assumeRolePolicy',
  'definition',
  'eventPattern',
];

function withParsedDocuments(
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...inputs };
  for (const key of JSON_INPUTS) {
    const value = out[key];
    if (typeof value === 'string') out[key] = JSON.parse(value);
  }
  return out;
}

/**
 * The row SST's Function component makes of `sstFunctionArgs(spec)`: the
 * Lambda with its role's managed policies and inline statements.
 */
export function functionRow(
  spec: FunctionSpec,
  partition: string,
): Promise<SynthRow> {
  const args = sstFunctionArgs(spec, {
    runtime: LAMBDA_RUNTIME,
    environment: { BURSTGUARD_CONFIG: '' },
    // The link names stand for the SST components; Secrets and Linkables
    // grant no IAM of their own (their getSSTLink has no `include`).
    linkables: Object.fromEntries(
      spec.links.map((link) => [link, link]),
    ) as Record<LinkName, unknown>,
    nodejs: undefined,
  });
  const managed = [
    `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
    ...('vpc' in args
      ? [
          `arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
        ]
      : []),
  ];
  const props = {
    handler: args.handler,
    runtime: args.runtime,
    architectures: [args.architecture],
    timeout: spec.timeoutSeconds,
    environment: Object.keys(args.environment),
    links: args.link,
    ...('vpc' in args && args.vpc
      ? {
          vpcConfig: {
            securityGroupIds: args.vpc.securityGroups,
            subnetIds: args.vpc.privateSubnets,
          },
        }
      : {}),
    ...('concurrency' in args && args.concurrency
      ? { reservedConcurrentExecutions: args.concurrency.reserved }
      : {}),
    ...('url' in args && args.url
      ? {
          url: {
            authorizationType:
              args.url.authorization === 'iam' ? 'AWS_IAM' : 'NONE',
          },
        }
      : {}),
    role: {
      managedPolicyArns: managed,
      statements: args.permissions.map((p) => ({
        Effect: 'Allow',
        Action: p.actions,
        Resource: p.resources,
        ...(p.conditions
          ? {
              Condition: Object.fromEntries(
                p.conditions.map((c) => [c.test, { [c.variable]: c.values }]),
              ),
            }
          : {}),
      })),
    },
  };
  return resolve(props).then((p) => ({
    type: FUNCTION_TYPE,
    name: spec.component,
    props: p as Record<string, unknown>,
  }));
}

/**
 * Every resource deploy creates for a configuration, in the configured
 * region's partition and a sample account. Sets Pulumi mocks for the
 * process: call it from a script, once.
 */
export async function synthesize(deploy: DeployConfig): Promise<SynthRow[]> {
  const { config, langfuseLogGroups, clickhouseNetwork } = deploy;
  const account = sampleAccount(config.region);
  const registered = await recordingMocks({
    account,
    stage: SYNTH_STAGE,
    id: (type) =>
      type === 'aws:ec2/securityGroup:SecurityGroup'
        ? 'sg-0000000000000000a'
        : undefined,
    call: (token, inputs) =>
      token === 'aws:ec2/getVpc:getVpc'
        ? { ...inputs, cidrBlock: SYNTH_VPC_CIDR }
        : undefined,
  });

  const prefix = `burstguard-${SYNTH_STAGE}`;
  const tableArn = `arn:${account.partition}:dynamodb:${account.region}:${account.accountId}:table/${prefix}-IncidentTable`;
  const components: SynthRow[] = [
    {
      type: 'sst:aws:Dynamo',
      name: 'IncidentTable',
      props: {
        fields: { fileSystemId: 'string' },
        primaryIndex: { hashKey: 'fileSystemId' },
      },
    },
    ...Object.entries(SECRETS).map(([name, placeholder]) => ({
      type: 'sst:sst:Secret',
      name,
      props: placeholder === undefined ? {} : { placeholder },
    })),
    {
      type: 'sst:aws:Cron',
      name: 'PreflightSchedule',
      props: { schedule: PREFLIGHT_SCHEDULE, function: 'Preflight' },
    },
  ];

  // As sst.config.ts wires them.
  const built = (() => {
    const { alarms } = createAlarms({ prefix, config, langfuseLogGroups });
    // The Lambdas' environment names the alarms; checked for its size.
    configEnvironment(
      withInsightsLogGroups(withAlarmNames(config, alarms), langfuseLogGroups),
    );
    const network = collectorNetwork({
      prefix,
      network: clickhouseNetwork,
      ports: clickhousePorts(config),
      langfusePorts: langfusePrivatePorts(config),
    });
    const recoverable = recoverableFileSystems(config).length > 0;
    const table = functionTable({
      config,
      account,
      incidentTableArn: tableArn,
      stateMachineArn: stateMachineArn(account, prefix),
      recoveryStateMachineArn: recoveryStateMachineArn(account, prefix),
      recoveryBucket: recoveryBucketName(account, prefix),
      alarmPrefix: prefix,
      langfuseLogGroups,
      ...(network ? { clickhouseVpc: network.vpc } : {}),
    });
    const lambdaArns = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [
        name,
        `arn:${account.partition}:lambda:${account.region}:${account.accountId}:function:${prefix}-${table[name].component}`,
      ]),
    );
    const machine = createStateMachine({
      prefix,
      lambdaArns: lambdaArns as never,
      accountId: account.accountId,
      partition: account.partition,
      ...(recoverable
        ? { recoveryStateMachineArn: recoveryStateMachineArn(account, prefix) }
        : {}),
    });
    const recovery = recoverable
      ? createRecovery({
          prefix,
          config,
          account,
          lambdaArns: lambdaArns as never,
        })
      : undefined;
    const rule = createAlarmRule({
      prefix,
      alarms: ruleAlarms(config, account, alarms),
      stateMachineArn: machine.stateMachine.arn,
      accountId: account.accountId,
    });
    return { alarms, network, machine, rule, table, recovery };
  })();

  await registeredAll(built);
  const raw = registered.map((r) => ({
    type: r.type,
    name: r.name,
    props: withParsedDocuments(r.inputs),
  }));
  const functions = await Promise.all(
    FUNCTION_NAMES.map((name) =>
      functionRow(built.table[name], account.partition),
    ),
  );
  return [...components, ...raw, ...functions];
}
