/**
 * The EventBridge rule that starts the runbook when one of this app's
 * alarms changes to ALARM or back to OK, and the role it starts the state
 * machine with.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AppConfig } from '../shared/domain/config.ts';
import { ConfigurationError } from '../shared/domain/errors.ts';
import { type AwsAccount, alarmArn, serviceAssumeRolePolicy } from './iam.ts';

/**
 * EventBridge's default event pattern quota is 2048 characters (adjustable
 * to 4096; the aws.cloudwatch.EventRule docs, "Amazon EventBridge
 * quotas"). Alarms are spread over as many rules as it takes.
 */
export const MAX_EVENT_PATTERN_CHARS = 2048;

/**
 * The longest `arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm:` there is:
 * `aws-us-gov` (10), a region of up to 20 characters, a 12-digit account.
 * ARNs are Outputs when rules are planned, so their length is bounded
 * from the alarm name.
 */
const MAX_ALARM_ARN_PREFIX_CHARS =
  'arn::cloudwatch:::alarm:'.length + 10 + 20 + 12;

export type RuleAlarm = { name: string; arn: pulumi.Input<string> };

export type AlarmRuleArgs = {
  /** `<app>-<stage>`, the start of every resource name. */
  prefix: string;
  alarms: readonly RuleAlarm[];
  stateMachineArn: pulumi.Input<string>;
  /** Limits the role to EventBridge acting for this account. */
  accountId?: string;
  tags?: Record<string, string>;
};

export type RunbookAlarmRule = {
  rules: aws.cloudwatch.EventRule[];
  targets: aws.cloudwatch.EventTarget[];
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
};

/** The "CloudWatch Alarm State Change" pattern for exactly these alarms. */
export function alarmEventPattern(alarmArns: readonly string[]) {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    resources: [...alarmArns],
    // INSUFFICIENT_DATA says nothing about the file system.
    detail: { state: { value: ['ALARM', 'OK'] } },
  };
}

/**
 * Splits the alarms into groups whose event pattern stays within
 * {@link MAX_EVENT_PATTERN_CHARS}, using the longest ARN each name can have.
 */
export function groupAlarmsForRules<T extends { name: string }>(
  alarms: readonly T[],
  maxPatternChars = MAX_EVENT_PATTERN_CHARS,
): T[][] {
  const emptyChars = JSON.stringify(alarmEventPattern([])).length;
  const groups: T[][] = [];
  let group: T[] = [];
  let chars = emptyChars;
  for (const alarm of alarms) {
    // The ARN in quotes, then a comma before every one but the first.
    const arnChars = MAX_ALARM_ARN_PREFIX_CHARS + alarm.name.length + 2;
    if (emptyChars + arnChars > maxPatternChars) {
      throw new ConfigurationError(
        `alarm name ${alarm.name} is too long for an EventBridge pattern`,
      );
    }
    const addedChars = group.length > 0 ? arnChars + 1 : arnChars;
    if (chars + addedChars > maxPatternChars) {
      groups.push(group);
      group = [alarm];
      chars = emptyChars + arnChars;
    } else {
      group.push(alarm);
      chars += addedChars;
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * The alarms users list in `fileSystems[].alarmNames`: their own alarms
 * that speak for a file system, which start the runbook too. Names in
 * `except` (the alarms the app creates) are left out.
 */
/**
 * Every alarm the rule listens to: the ones this app creates, then those
 * the configuration names that the app did not create.
 */
export function ruleAlarms(
  config: AppConfig,
  account: AwsAccount,
  created: readonly { name: string; alarm: { arn: pulumi.Input<string> } }[],
): RuleAlarm[] {
  return [
    ...created.map((a) => ({ name: a.name, arn: a.alarm.arn })),
    ...configuredAlarms(
      config,
      account,
      created.map((a) => a.name),
    ),
  ];
}

export function configuredAlarms(
  config: AppConfig,
  account: AwsAccount,
  except: Iterable<string> = [],
): RuleAlarm[] {
  const created = new Set(except);
  const names = new Set(
    config.fileSystems
      .flatMap((f) => f.alarmNames)
      .filter((name) => !created.has(name)),
  );
  return [...names].map((name) => ({ name, arn: alarmArn(account, name) }));
}

/**
 * Creates the rule(s) matching state changes of exactly the given alarms,
 * each targeting the state machine through a role that may only start it.
 */
export function createAlarmRule(
  args: AlarmRuleArgs,
  opts?: pulumi.CustomResourceOptions,
): RunbookAlarmRule {
  const { prefix, tags } = args;
  if (args.alarms.length === 0) {
    throw new ConfigurationError('no alarms to start the runbook with');
  }

  const role = new aws.iam.Role(
    `${prefix}-alarm-rule-role`,
    {
      description: 'burstguard: EventBridge starts the runbook on alarms',
      assumeRolePolicy: serviceAssumeRolePolicy(
        'events.amazonaws.com',
        args.accountId,
      ),
      tags,
    },
    opts,
  );

  const policy = new aws.iam.RolePolicy(
    `${prefix}-alarm-rule-policy`,
    {
      role: role.id,
      policy: pulumi.output(args.stateMachineArn).apply((arn) =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'StartRunbook',
              Effect: 'Allow',
              Action: 'states:StartExecution',
              Resource: arn,
            },
          ],
        }),
      ),
    },
    opts,
  );

  const groups = groupAlarmsForRules(args.alarms);
  const rules: aws.cloudwatch.EventRule[] = [];
  const targets: aws.cloudwatch.EventTarget[] = [];
  groups.forEach((group, index) => {
    const name =
      groups.length === 1
        ? `${prefix}-alarms`
        : `${prefix}-alarms-${index + 1}`;
    const rule = new aws.cloudwatch.EventRule(
      name,
      {
        name,
        description: 'burstguard: alarm state changes start the runbook',
        eventPattern: pulumi
          .all(group.map((a) => a.arn))
          .apply((arns) => JSON.stringify(alarmEventPattern(arns))),
        tags,
      },
      opts,
    );
    rules.push(rule);
    targets.push(
      new aws.cloudwatch.EventTarget(
        `${name}-target`,
        {
          rule: rule.name,
          arn: args.stateMachineArn,
          roleArn: role.arn,
        },
        { ...opts, dependsOn: [policy] },
      ),
    );
  });

  return { rules, targets, role, policy };
}
