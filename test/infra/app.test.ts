import { describe, expect, it } from 'vitest';
import { configuredAlarms, createAlarmRule } from '../../infra/alarm-rule.ts';
import { createAlarms } from '../../infra/alarms.ts';
import { loadDeployConfig } from '../../infra/deploy-config.ts';
import { createStateMachine } from '../../infra/state-machine.ts';
import { placeholderArns } from '../../workflows/definition.ts';
import { testConfig } from '../fixtures/config.ts';
import {
  asList,
  ofType,
  resolve,
  statementsOf,
  synth,
  TEST_ACCOUNT,
} from './pulumi-mocks.ts';

const EXAMPLE = new URL('../../burstguard.config.example.json', import.meta.url)
  .pathname;

/** The raw resources as sst.config.ts wires them, with fake Lambda ARNs. */
async function synthApp() {
  const { config, langfuseLogGroups } = loadDeployConfig(EXAMPLE);
  return synth(() => {
    const prefix = 'burstguard-ci';
    const machine = createStateMachine({
      prefix,
      lambdaArns: placeholderArns(TEST_ACCOUNT.region, TEST_ACCOUNT.accountId),
      accountId: TEST_ACCOUNT.accountId,
    });
    const alarms = createAlarms({ prefix, config, langfuseLogGroups });
    const rule = createAlarmRule({
      prefix,
      alarms: [
        ...alarms.alarms.map((a) => ({ name: a.name, arn: a.alarm.arn })),
        ...configuredAlarms(config, TEST_ACCOUNT),
      ],
      stateMachineArn: machine.stateMachine.arn,
      accountId: TEST_ACCOUNT.accountId,
    });
    return { machine, alarms, rule };
  });
}

describe('the runbook infrastructure', () => {
  it('grants no wildcard action in any role policy', async () => {
    // Prepare / Act
    const { resources } = await synthApp();

    // Assess
    const policies = ofType(resources, 'aws:iam/rolePolicy:RolePolicy');
    expect(policies).toHaveLength(2);
    const actions = policies
      .flatMap(statementsOf)
      .flatMap((s) => asList(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('starts the state machine on every alarm it creates and nothing else', async () => {
    // Prepare / Act
    const { result, resources } = await synthApp();

    // Assess
    const alarmArns = await Promise.all(
      result.alarms.alarms.map((a) => resolve(a.alarm.arn)),
    );
    const listed = ofType(resources, 'aws:cloudwatch/eventRule:EventRule')
      .flatMap((r) => JSON.parse(String(r.inputs.eventPattern)).resources)
      .sort();
    expect(listed).toEqual([...alarmArns].sort());
    const machineArn = await resolve(result.machine.stateMachine.arn);
    const targets = ofType(resources, 'aws:cloudwatch/eventTarget:EventTarget');
    expect(targets.map((t) => t.inputs.arn)).toEqual([machineArn]);
  });

  it("adds the alarms a file system's configuration names", async () => {
    // Prepare
    const config = testConfig();

    // Act
    const { resources } = await synth(() =>
      createAlarmRule({
        prefix: 'burstguard-ci',
        alarms: configuredAlarms(config, TEST_ACCOUNT),
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      }),
    );

    // Assess
    const [rule] = ofType(resources, 'aws:cloudwatch/eventRule:EventRule');
    expect(JSON.parse(String(rule?.inputs.eventPattern)).resources).toEqual([
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:burstguard-prod-langfuse-dropped-records',
    ]);
  });
});
