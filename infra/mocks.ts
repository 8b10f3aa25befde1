/**
 * Pulumi mocks for evaluating infra/ offline (`npm run synth` and the
 * infra tests): every resource registered is recorded with its resolved
 * inputs and answers with an ARN shaped like the real one, so rules and
 * policies built from ARNs can be read without the Pulumi CLI or AWS
 * (`pulumi.runtime.setMocks`, @pulumi/pulumi `runtime/mocks.ts`).
 */
import * as pulumi from '@pulumi/pulumi';
import { partitionOfRegion } from '../workflows/definition.ts';
import type { AwsAccount } from './iam.ts';

/** The sample account resources are drawn in. */
export const SAMPLE_ACCOUNT_ID = '123456789012';

/** The sample account in a region, in that region's partition. */
export function sampleAccount(region: string): AwsAccount {
  return {
    partition: partitionOfRegion(region),
    region,
    accountId: SAMPLE_ACCOUNT_ID,
  };
}

/** A resource as the provider would receive it. */
export type Registered = {
  type: string;
  name: string;
  /** Resolved inputs. */
  inputs: Record<string, unknown>;
};

/** An ARN shaped like the real one for the resource types infra/ makes. */
export function mockArn(
  account: AwsAccount,
  type: string,
  physical: string,
): string {
  const { partition, region, accountId } = account;
  const service = type.split(':')[1]?.split('/')[0];
  switch (type) {
    case 'aws:cloudwatch/metricAlarm:MetricAlarm':
      return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${physical}`;
    case 'aws:sfn/stateMachine:StateMachine':
      return `arn:${partition}:states:${region}:${accountId}:stateMachine:${physical}`;
    case 'aws:cloudwatch/logGroup:LogGroup':
      return `arn:${partition}:logs:${region}:${accountId}:log-group:${physical}`;
    case 'aws:iam/role:Role':
      return `arn:${partition}:iam::${accountId}:role/${physical}`;
    case 'aws:cloudwatch/eventRule:EventRule':
      return `arn:${partition}:events:${region}:${accountId}:rule/${physical}`;
    default:
      return `arn:${partition}:${service}:${region}:${accountId}:${physical}`;
  }
}

/**
 * Sets the process's Pulumi mocks for `account` and `stage`; returns the
 * list each registered resource is appended to. `id` and `call` answer
 * what a resource type or a data source needs beyond the defaults (a
 * physical name, and a call's own inputs).
 */
export async function recordingMocks(options: {
  account: AwsAccount;
  stage: string;
  id?: (type: string, physical: string) => string | undefined;
  call?: (token: string, inputs: Record<string, unknown>) => unknown;
}): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        registered.push({ type: args.type, name: args.name, inputs });
        const physical =
          typeof inputs.name === 'string' ? inputs.name : args.name;
        return {
          id: options.id?.(args.type, physical) ?? `${physical}-id`,
          state: {
            ...inputs,
            name: physical,
            arn: mockArn(options.account, args.type, physical),
          },
        };
      },
      call(args) {
        return (options.call?.(args.token, args.inputs) ??
          args.inputs) as Record<string, unknown>;
      },
    },
    'burstguard',
    options.stage,
    false,
  );
  return registered;
}

/** The resolved value of an Output, or of any Input. */
export function resolve<T>(input: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((done) => {
    pulumi.output(input).apply((value) => {
      done(value);
      return value;
    });
  });
}

/** Every Pulumi resource in `value`, at any depth. */
function resourcesIn(value: unknown, into: pulumi.Resource[] = []) {
  if (pulumi.Resource.isInstance(value)) into.push(value);
  else if (Array.isArray(value)) for (const v of value) resourcesIn(v, into);
  else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) resourcesIn(v, into);
  }
  return into;
}

/** Resolves once every resource in `value` (at any depth) is registered. */
export async function registeredAll(value: unknown): Promise<void> {
  await Promise.all(resourcesIn(value).map((r) => resolve(r.urn)));
}
