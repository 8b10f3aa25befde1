/**
 * Options shared by every AWS SDK v3 client: adaptive retry, and timeouts
 * well under the 20 s Lambda timeout and 30 s Task timeout, so a slow API
 * becomes an answer ("unavailable") instead of a timed-out Task.
 */
export function awsClientOptions(region: string) {
  return {
    region,
    retryMode: 'adaptive',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  } as const;
}
