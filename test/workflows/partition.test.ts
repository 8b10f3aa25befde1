/**
 * ARNs in every partition. Step Functions' callback integration is
 * `arn:<partition>:states:::lambda:invoke.waitForTaskToken` (Step Functions
 * developer guide, "Wait for a Callback with Task Token"); a definition
 * that names `arn:aws:` is refused in China and GovCloud. Partitions by
 * region follow the AWS SDK's table (@aws-sdk/core util-endpoints
 * `partitions.js`).
 */
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { createStateMachine } from '../../infra/state-machine.ts';
import {
  buildDefinition,
  partitionOfArn,
  partitionOfRegion,
  placeholderArns,
} from '../../workflows/definition.ts';
import { onlyOfType, synth } from '../infra/pulumi-mocks.ts';

const PARTITIONS = [
  { partition: 'aws-cn', region: 'cn-north-1' },
  { partition: 'aws-us-gov', region: 'us-gov-west-1' },
] as const;

/** Every `arn:` string in a JSON document. */
function arnsIn(document: unknown): string[] {
  return JSON.stringify(document).match(/arn:[^"]*/g) ?? [];
}

describe('partition-aware ARNs', () => {
  it('finds the partition of a region as the SDK does', () => {
    // Prepare / Act / Assess
    expect(partitionOfRegion('us-east-1')).toBe('aws');
    expect(partitionOfRegion('eu-central-2')).toBe('aws');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('us-iso-east-1')).toBe('aws-iso');
  });

  for (const { partition, region } of PARTITIONS) {
    it(`names only ${partition} ARNs in a ${region} definition`, () => {
      // Prepare
      const arns = placeholderArns(region, '210987654321');

      // Act
      const definition = buildDefinition(arns, partition);

      // Assess
      const found = arnsIn(definition);
      expect(found).toContain(
        `arn:${partition}:states:::lambda:invoke.waitForTaskToken`,
      );
      expect(found.map(partitionOfArn)).toEqual(found.map(() => partition));
      const result = aslValidator(definition as never, {
        checkArn: true,
        checkPaths: true,
      });
      expect(result.errorsText?.('\n') ?? '').toBe('');
    });

    it(`deploys a ${partition} state machine with its callback ARN`, async () => {
      // Prepare
      const arns = placeholderArns(region, '210987654321');

      // Act
      const { resources } = await synth(() =>
        createStateMachine({
          prefix: 'burstguard-test',
          lambdaArns: arns,
          partition,
        }),
      );

      // Assess
      const machine = onlyOfType(
        resources,
        'aws:sfn/stateMachine:StateMachine',
      );
      const definition = JSON.parse(String(machine.inputs.definition));
      expect(definition.States.RequestApproval.Resource).toBe(
        `arn:${partition}:states:::lambda:invoke.waitForTaskToken`,
      );
    });
  }

  it('takes the partition of the Lambda ARNs by default', () => {
    // Prepare / Act
    const definition = buildDefinition(placeholderArns('cn-north-1'));

    // Assess
    expect(definition.States.RequestApproval?.Resource).toBe(
      'arn:aws-cn:states:::lambda:invoke.waitForTaskToken',
    );
  });

  it('refuses Lambda ARNs from another partition', () => {
    // Prepare
    const arns = placeholderArns('us-east-1');

    // Act / Assess
    expect(() => buildDefinition(arns, 'aws-us-gov')).toThrow(
      /arn:aws:lambda:us-east-1:123456789012:function:burstguard-normalize is not in the aws-us-gov partition/,
    );
  });
});
