import { describe, expect, it } from 'vitest';
import {
  createStateMachine,
  invokeResources,
  LOG_DELIVERY_ACTIONS,
} from '../../infra/state-machine.ts';
import {
  buildDefinition,
  LAMBDAS,
  placeholderArns,
} from '../../workflows/definition.ts';
import {
  asList,
  onlyOfType,
  type Registered,
  statementsOf,
  synth,
  TEST_ACCOUNT,
  TYPE,
} from './pulumi-mocks.ts';

const { SFN, ROLE, POLICY, LOG_GROUP } = TYPE;

const fakeArns = placeholderArns(TEST_ACCOUNT.region, TEST_ACCOUNT.accountId);

async function synthStateMachine(): Promise<Registered[]> {
  const { resources } = await synth(() =>
    createStateMachine({
      prefix: 'burstguard-test',
      lambdaArns: fakeArns,
      accountId: TEST_ACCOUNT.accountId,
    }),
  );
  return resources;
}

describe('createStateMachine', () => {
  it('deploys the definition built from the Lambda ARNs', async () => {
    // Prepare / Act
    const resources = await synthStateMachine();

    // Assess
    const machine = onlyOfType(resources, SFN);
    expect(machine.inputs.type).toBe('STANDARD');
    expect(JSON.parse(String(machine.inputs.definition))).toEqual(
      buildDefinition(fakeArns),
    );
  });

  it('waits each approval round the configured time', async () => {
    // Prepare / Act: approvalEscalationMinutes 30, as infra/app.ts passes it.
    const { resources } = await synth(() =>
      createStateMachine({
        prefix: 'burstguard-test',
        lambdaArns: fakeArns,
        accountId: TEST_ACCOUNT.accountId,
        approvalRoundSeconds: 1800,
      }),
    );

    // Assess
    const definition = JSON.parse(
      String(onlyOfType(resources, SFN).inputs.definition),
    );
    expect(definition.States.RequestApproval.TimeoutSeconds).toBe(1800);
    expect(definition).toEqual(
      buildDefinition(fakeArns, undefined, { approvalRoundSeconds: 1800 }),
    );
  });

  it('allows lambda:InvokeFunction on exactly the workflow Lambdas', async () => {
    // Prepare / Act
    const resources = await synthStateMachine();

    // Assess
    const statements = statementsOf(onlyOfType(resources, POLICY));
    const invoke = statements.filter((s) =>
      asList(s.Action).includes('lambda:InvokeFunction'),
    );
    expect(invoke).toHaveLength(1);
    const expected = LAMBDAS.flatMap((name) => [
      fakeArns[name],
      `${fakeArns[name]}:*`,
    ]);
    expect(asList(invoke[0]?.Resource).sort()).toEqual(expected.sort());
    expect(asList(invoke[0]?.Action)).toEqual(['lambda:InvokeFunction']);
  });

  it('grants nothing beyond Lambda invoke and log delivery', async () => {
    // Prepare / Act
    const resources = await synthStateMachine();

    // Assess
    const statements = statementsOf(onlyOfType(resources, POLICY));
    const actions = statements.flatMap((s) => asList(s.Action)).sort();
    expect(actions).toEqual(
      ['lambda:InvokeFunction', ...LOG_DELIVERY_ACTIONS].sort(),
    );
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
  });

  it('lets only Step Functions for this account assume the role', async () => {
    // Prepare / Act
    const resources = await synthStateMachine();

    // Assess
    const role = onlyOfType(resources, ROLE);
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT.accountId },
        },
      },
    ]);
  });

  it('logs errors without execution data to its own log group', async () => {
    // Prepare / Act
    const resources = await synthStateMachine();

    // Assess
    const logGroup = onlyOfType(resources, LOG_GROUP);
    const machine = onlyOfType(resources, SFN);
    expect(logGroup.inputs.name).toBe(
      '/aws/vendedlogs/states/burstguard-test-runbook',
    );
    expect(machine.inputs.loggingConfiguration).toEqual({
      level: 'ERROR',
      includeExecutionData: false,
      logDestination: `arn:aws:logs:${TEST_ACCOUNT.region}:${TEST_ACCOUNT.accountId}:log-group:/aws/vendedlogs/states/burstguard-test-runbook:*`,
    });
  });

  it('runs the state machine with the role it creates', async () => {
    // Prepare / Act
    const resources = await synthStateMachine();

    // Assess
    const machine = onlyOfType(resources, SFN);
    expect(machine.inputs.roleArn).toBe(
      `arn:aws:iam::${TEST_ACCOUNT.accountId}:role/burstguard-test-runbook-role`,
    );
  });
});

describe('invokeResources', () => {
  it('lists each function once with its qualified form', () => {
    // Prepare
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:notify';

    // Act
    const resources = invokeResources([arn, arn]);

    // Assess
    expect(resources).toEqual([arn, `${arn}:*`]);
  });
});
