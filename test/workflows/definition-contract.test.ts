/**
 * What the built definition promises, read as behaviour: the partition of
 * every region in the AWS SDK's partition table, and the states that keep a
 * failed step from hiding the outcome. The regions are the SDK's own
 * (@aws-sdk/core, dist-cjs/submodules/client/index.js, the partitions'
 * `regions` and `regionRegex`: `^cn\-\w+\-\d+$`, `^us\-isob\-\w+\-\d+$`,
 * `^eusc\-(de)\-\w+\-\d+$` and so on).
 */
import { describe, expect, it } from 'vitest';
import {
  buildDefinition,
  partitionOfArn,
  partitionOfRegion,
  placeholderArns,
} from '../../workflows/definition.ts';

const REGIONS: [string, string][] = [
  ['cn-north-1', 'aws-cn'],
  ['cn-northwest-1', 'aws-cn'],
  ['us-gov-east-1', 'aws-us-gov'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-iso-west-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
  ['us-isob-west-1', 'aws-iso-b'],
  ['eu-isoe-west-1', 'aws-iso-e'],
  ['us-isof-east-1', 'aws-iso-f'],
  ['us-isof-south-1', 'aws-iso-f'],
  // The regex admits any name and number, as future regions will have.
  ['eusc-de-east-1', 'aws-eusc'],
  ['cn-south-12', 'aws-cn'],
  ['us-gov-central-10', 'aws-us-gov'],
  ['us-iso-north-11', 'aws-iso'],
  ['us-isob-south-21', 'aws-iso-b'],
  ['eu-isoe-north-13', 'aws-iso-e'],
  ['us-isof-west-14', 'aws-iso-f'],
  ['eusc-de-west-15', 'aws-eusc'],
];

describe('partitionOfRegion', () => {
  it.each(REGIONS)('puts %s in %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it.each(
    REGIONS.flatMap(([region]) => [`x${region}`, `${region}x`, `${region}-`]),
  )('leaves the malformed name %s in the commercial partition', (region) => {
    expect(partitionOfRegion(region)).toBe('aws');
  });

  it('builds placeholder ARNs in us-east-1 unless told otherwise', () => {
    expect(placeholderArns().verify).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:burstguard-verify',
    );
  });
});

describe('partitionOfArn', () => {
  it('refuses text that is not an ARN, and says which', () => {
    expect(() => partitionOfArn('arm:aws:lambda')).toThrow(
      'not an ARN: arm:aws:lambda',
    );
    expect(() => partitionOfArn('arn')).toThrow('not an ARN: arn');
  });
});

describe('the states around a failure', () => {
  const states = buildDefinition(placeholderArns()).States as Record<
    string,
    Record<string, unknown>
  >;

  it('lets a failed Verify go on to report the outcome, with its error kept apart', () => {
    expect(states.Verify?.Catch).toContainEqual({
      ErrorEquals: ['States.ALL'],
      ResultPath: '$.verifyError',
      Next: 'NotifyOutcome',
    });
  });

  it('tells the notifier it reports a failure, with the whole state', () => {
    expect(states.NotifyFailure?.Parameters).toEqual({
      kind: 'failure',
      'state.$': '$',
    });
    expect(states.NotifyFailure?.Catch).toContainEqual({
      ErrorEquals: ['States.ALL'],
      ResultPath: '$.failureNotificationError',
      Next: 'Failed',
    });
  });

  it("ends a failed run with the failed step's own error and cause", () => {
    expect(states.Failed).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.failure.Error',
      CausePath: '$.failure.Cause',
    });
  });

  it('spreads Lambda service retries with full jitter', () => {
    const retries = Object.values(states).flatMap(
      (s) => (s.Retry as { JitterStrategy?: string }[] | undefined) ?? [],
    );

    expect(retries.length).toBeGreaterThan(0);
    for (const retry of retries) expect(retry.JitterStrategy).toBe('FULL');
  });
});
