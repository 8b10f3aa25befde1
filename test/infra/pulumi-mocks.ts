/**
 * Pulumi mocks for the infra tests: every resource the code under test
 * registers is recorded with its resolved inputs, and answers with an ARN
 * shaped like the real one, so rules and policies built from ARNs can be
 * asserted offline.
 */
import * as pulumi from '@pulumi/pulumi';

export const TEST_ACCOUNT = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: '123456789012',
} as const;

export type Registered = {
  type: string;
  name: string;
  // Resolved inputs, as the provider would receive them.
  inputs: Record<string, unknown>;
};

const registered: Registered[] = [];

function fakeArn(type: string, name: string, inputs: Record<string, unknown>) {
  const { region, accountId } = TEST_ACCOUNT;
  const physical = typeof inputs.name === 'string' ? inputs.name : name;
  switch (type) {
    case 'aws:cloudwatch/metricAlarm:MetricAlarm':
      return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${physical}`;
    case 'aws:sfn/stateMachine:StateMachine':
      return `arn:aws:states:${region}:${accountId}:stateMachine:${physical}`;
    case 'aws:cloudwatch/logGroup:LogGroup':
      return `arn:aws:logs:${region}:${accountId}:log-group:${physical}`;
    case 'aws:iam/role:Role':
      return `arn:aws:iam::${accountId}:role/${physical}`;
    case 'aws:cloudwatch/eventRule:EventRule':
      return `arn:aws:events:${region}:${accountId}:rule/${physical}`;
    default:
      return `arn:aws:mock:${region}:${accountId}:${type}/${physical}`;
  }
}

await pulumi.runtime.setMocks(
  {
    newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      registered.push({ type: args.type, name: args.name, inputs });
      const physical =
        typeof inputs.name === 'string' ? inputs.name : args.name;
      return {
        id: `${physical}-id`,
        state: {
          ...inputs,
          name: physical,
          arn: fakeArn(args.type, args.name, inputs),
        },
      };
    },
    call(args) {
      return args.inputs;
    },
  },
  'burstguard',
  'test',
  false,
);

function collectResources(value: unknown, into: pulumi.Resource[]): void {
  if (pulumi.Resource.isInstance(value)) {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectResources(item, into);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectResources(item, into);
  }
}

/** The resolved value of an Output, or of any Input. */
export function resolve<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((done) => {
    pulumi.output(input).apply((value) => {
      done(value as T);
      return value;
    });
  });
}

/**
 * Runs `build`, waits until every resource it returns (at any depth) is
 * registered, and returns the result with the resources registered by it.
 */
export async function synth<T>(
  build: () => T,
): Promise<{ result: T; resources: Registered[] }> {
  const start = registered.length;
  const result = build();
  const resources: pulumi.Resource[] = [];
  collectResources(result, resources);
  await Promise.all(resources.map((r) => resolve(r.urn)));
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
