/**
 * Pulumi mocks for the infra tests: every resource the code under test
 * registers is recorded with its resolved inputs, and answers with an ARN
 * shaped like the real one, so rules and policies built from ARNs can be
 * asserted offline.
 */
import {
  type Registered,
  recordingMocks,
  registeredAll,
  sampleAccount,
} from '../../infra/mocks.ts';

export { type Registered, resolve } from '../../infra/mocks.ts';

/** The Pulumi type tokens of the raw resources the infra tests read. */
export const TYPE = {
  ALARM: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  FILTER: 'aws:cloudwatch/logMetricFilter:LogMetricFilter',
  RULE: 'aws:cloudwatch/eventRule:EventRule',
  TARGET: 'aws:cloudwatch/eventTarget:EventTarget',
  ROLE: 'aws:iam/role:Role',
  POLICY: 'aws:iam/rolePolicy:RolePolicy',
  SFN: 'aws:sfn/stateMachine:StateMachine',
  LOG_GROUP: 'aws:cloudwatch/logGroup:LogGroup',
} as const;

/** The account the infra tests deploy to. */
export const TEST_ACCOUNT = sampleAccount('us-east-1');

const registered = await recordingMocks({
  account: TEST_ACCOUNT,
  stage: 'test',
});

/**
 * Runs `build`, waits until every resource it returns (at any depth) is
 * registered, and returns the result with the resources registered by it.
 */
export async function synth<T>(
  build: () => T,
): Promise<{ result: T; resources: Registered[] }> {
  const start = registered.length;
  const result = build();
  await registeredAll(result);
  return { result, resources: registered.slice(start) };
}

/** The registered resources of one Pulumi type token. */
export function ofType(resources: Registered[], type: string): Registered[] {
  return resources.filter((r) => r.type === type);
}

/** The one registered resource of a type; fails if there are more. */
export function onlyOfType(resources: Registered[], type: string): Registered {
  const found = ofType(resources, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0] as Registered;
}

type Statement = {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
};

/** The statements of a registered RolePolicy's JSON document. */
export function statementsOf(policy: Registered): Statement[] {
  const document = JSON.parse(String(policy.inputs.policy)) as {
    Statement: Statement[];
  };
  return document.Statement;
}

/** A field that IAM accepts as a string or a list, as a list. */
export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
