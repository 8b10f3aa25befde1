import { describe, expect, it } from 'vitest';
import {
  alarmEventPattern,
  configuredAlarms,
  createAlarmRule,
  groupAlarmsForRules,
  MAX_EVENT_PATTERN_CHARS,
} from '../../infra/alarm-rule.ts';
import { createAlarms } from '../../infra/alarms.ts';
import { ConfigurationError } from '../../shared/domain/errors.ts';
import { testConfig } from '../fixtures/config.ts';
import {
  asList,
  ofType,
  onlyOfType,
  type Registered,
  resolve,
  statementsOf,
  synth,
  TEST_ACCOUNT,
  TYPE,
} from './pulumi-mocks.ts';

const { RULE, TARGET, POLICY, ROLE } = TYPE;
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${TEST_ACCOUNT.accountId}:stateMachine:burstguard-test-runbook`;

/** A config watching `count` file systems, each with Langfuse log groups. */
function manyFileSystems(count: number) {
  const ids = Array.from(
    { length: count },
    (_, i) => `fs-${i.toString(16).padStart(17, '0')}`,
  );
  return {
    config: testConfig({
      fileSystems: ids.map((fileSystemId) => ({
        fileSystemId,
        policy: 'approve' as const,
        remediationAllowed: false,
        alarmNames: [],
        clickhouseUser: 'default',
      })),
    }),
    langfuseLogGroups: Object.fromEntries(
      ids.map((id) => [id, ['/ecs/langfuse-worker']]),
    ),
  };
}

/** Creates the alarms, then the rule for them, and resolves the ARNs. */
async function synthRule(fileSystems = manyFileSystems(1)) {
  const { result: alarms } = await synth(() =>
    createAlarms({ prefix: 'burstguard-test', ...fileSystems }),
  );
  const alarmArns = await Promise.all(
    alarms.alarms.map((a) => resolve(a.alarm.arn)),
  );
  const { resources } = await synth(() =>
    createAlarmRule({
      prefix: 'burstguard-test',
      alarms: alarms.alarms.map((a) => ({ name: a.name, arn: a.alarm.arn })),
      stateMachineArn: STATE_MACHINE_ARN,
      accountId: TEST_ACCOUNT.accountId,
    }),
  );
  return { alarmArns, resources };
}

function patternOf(rule: Registered) {
  return JSON.parse(String(rule.inputs.eventPattern)) as ReturnType<
    typeof alarmEventPattern
  >;
}

describe('createAlarmRule', () => {
  it("matches ALARM and OK changes of exactly the app's alarms", async () => {
    // Prepare / Act
    const { alarmArns, resources } = await synthRule();

    // Assess
    const rule = onlyOfType(resources, RULE);
    expect(patternOf(rule)).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: alarmArns,
      detail: { state: { value: ['ALARM', 'OK'] } },
    });
    expect(alarmArns).toHaveLength(5);
    expect(
      alarmArns.every((arn) =>
        arn.startsWith(
          `arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT.accountId}:alarm:burstguard-test-fs-`,
        ),
      ),
    ).toBe(true);
  });

  it('targets the state machine with a role that may only start it', async () => {
    // Prepare / Act
    const { resources } = await synthRule();

    // Assess
    const target = onlyOfType(resources, TARGET);
    expect(target.inputs.arn).toBe(STATE_MACHINE_ARN);
    expect(target.inputs.roleArn).toBe(
      `arn:aws:iam::${TEST_ACCOUNT.accountId}:role/burstguard-test-alarm-rule-role`,
    );
    expect(statementsOf(onlyOfType(resources, POLICY))).toEqual([
      {
        Sid: 'StartRunbook',
        Effect: 'Allow',
        Action: 'states:StartExecution',
        Resource: STATE_MACHINE_ARN,
      },
    ]);
    const trust = JSON.parse(
      String(onlyOfType(resources, ROLE).inputs.assumeRolePolicy),
    );
    expect(trust.Statement[0].Principal).toEqual({
      Service: 'events.amazonaws.com',
    });
  });

  it('spreads many alarms over rules within the pattern size quota', async () => {
    // Prepare
    const fileSystems = manyFileSystems(8);

    // Act
    const { alarmArns, resources } = await synthRule(fileSystems);

    // Assess
    const rules = ofType(resources, RULE);
    expect(rules.length).toBeGreaterThan(1);
    const listed = rules.flatMap((rule) => patternOf(rule).resources);
    expect(listed.sort()).toEqual([...alarmArns].sort());
    for (const rule of rules) {
      expect(String(rule.inputs.eventPattern).length).toBeLessThanOrEqual(
        MAX_EVENT_PATTERN_CHARS,
      );
    }
    const targets = ofType(resources, TARGET);
    expect(targets.map((t) => t.inputs.rule).sort()).toEqual(
      rules.map((r) => r.inputs.name).sort(),
    );
  });

  it('refuses to create a rule that matches no alarm', () => {
    // Prepare / Act / Assess
    expect(() =>
      createAlarmRule({
        prefix: 'burstguard-test',
        alarms: [],
        stateMachineArn: STATE_MACHINE_ARN,
      }),
    ).toThrow(ConfigurationError);
  });
});

describe('groupAlarmsForRules', () => {
  it('keeps every alarm once, in order', () => {
    // Prepare
    const alarms = Array.from({ length: 40 }, (_, i) => ({
      name: `burstguard-production-fs-0123456789abcdef${i}-throughput-utilization-high`,
    }));

    // Act
    const groups = groupAlarmsForRules(alarms);

    // Assess
    expect(groups.flat()).toEqual(alarms);
    expect(groups.every((g) => g.length > 0)).toBe(true);
    for (const group of groups) {
      const arns = group.map(
        (a) =>
          // The longest ARN prefix the bound allows for.
          `arn:aws-us-gov:cloudwatch:${'r'.repeat(20)}:123456789012:alarm:${a.name}`,
      );
      expect(
        JSON.stringify(alarmEventPattern(arns)).length,
      ).toBeLessThanOrEqual(MAX_EVENT_PATTERN_CHARS);
    }
  });
});

describe('configuredAlarms', () => {
  it('adds the alarms users list for their file systems', () => {
    // Prepare
    const config = testConfig();

    // Act
    const alarms = configuredAlarms(config, TEST_ACCOUNT);

    // Assess
    expect(alarms).toEqual([
      {
        name: 'burstguard-prod-langfuse-dropped-records',
        arn: `arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT.accountId}:alarm:burstguard-prod-langfuse-dropped-records`,
      },
    ]);
  });
});

describe('configuredAlarms, with the app alarms', () => {
  it('leaves out the alarms the app creates itself', () => {
    // Prepare
    const config = testConfig();

    // Act
    const alarms = configuredAlarms(config, TEST_ACCOUNT, [
      'burstguard-prod-langfuse-dropped-records',
    ]);

    // Assess
    expect(alarms).toEqual([]);
  });
});

describe('the rule role', () => {
  it('grants no wildcard action', async () => {
    // Prepare / Act
    const { resources } = await synthRule();

    // Assess
    const actions = ofType(resources, POLICY)
      .flatMap(statementsOf)
      .flatMap((s) => asList(s.Action));
    expect(actions).toEqual(['states:StartExecution']);
  });
});
