/**
 * The partition of a region, from the AWS SDK's partition table
 * (@aws-sdk/core util-endpoints `partitions.js`, each partition's
 * `regionRegex`): ARNs start `arn:<partition>:`, so an ARN written for
 * `aws` is refused in China and GovCloud.
 */
export function partitionOfRegion(region: string): string {
  const partitions: [RegExp, string][] = [
    [/^cn-\w+-\d+$/, 'aws-cn'],
    [/^us-gov-\w+-\d+$/, 'aws-us-gov'],
    [/^us-iso-\w+-\d+$/, 'aws-iso'],
    [/^us-isob-\w+-\d+$/, 'aws-iso-b'],
    [/^eu-isoe-\w+-\d+$/, 'aws-iso-e'],
    [/^us-isof-\w+-\d+$/, 'aws-iso-f'],
    [/^eusc-de-\w+-\d+$/, 'aws-eusc'],
  ];
  return partitions.find(([pattern]) => pattern.test(region))?.[1] ?? 'aws';
}
