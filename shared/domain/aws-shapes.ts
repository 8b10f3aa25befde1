/**
 * The AWS answers burstguard reads, as zod schemas. They accept both what the
 * SDK v3 returns (Dates) and what the AWS CLI prints (ISO strings), so a
 * recording made by hand with `aws efs describe-file-systems` and
 * `aws cloudwatch get-metric-data` reads exactly like a live call.
 */
import * as z from 'zod';
import { schema } from './schema.ts';

const timeSchema = /* @__PURE__ */ schema(() =>
  z.union([z.date(), z.string(), z.number()]),
);

/** One FileSystemDescription (EFS API reference, DescribeFileSystems). */
export const fileSystemDescriptionSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      FileSystemId: z.string(),
      Name: z.string().optional(),
      LifeCycleState: z.string(),
      PerformanceMode: z.string(),
      ThroughputMode: z.string().optional(),
      ProvisionedThroughputInMibps: z.number().optional(),
      SizeInBytes: z
        .object({
          Value: z.number(),
          Timestamp: timeSchema.optional(),
          ValueInIA: z.number().optional(),
          ValueInStandard: z.number().optional(),
          ValueInArchive: z.number().optional(),
        })
        .loose(),
      Tags: z
        .array(z.object({ Key: z.string(), Value: z.string() }))
        .optional(),
      FileSystemArn: z.string().optional(),
      /** Set only for One Zone file systems (EFS API reference). */
      AvailabilityZoneName: z.string().optional(),
      CreationTime: timeSchema.optional(),
    })
    .loose(),
);
export type FileSystemDescription = z.infer<typeof fileSystemDescriptionSchema>;

export const describeFileSystemsOutputSchema = /* @__PURE__ */ schema(() =>
  z.object({ FileSystems: z.array(fileSystemDescriptionSchema) }).loose(),
);

/** One MetricDataResult (CloudWatch API reference, GetMetricData). */
export const metricDataResultSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      Id: z.string(),
      Label: z.string().optional(),
      Timestamps: z.array(timeSchema).optional(),
      Values: z.array(z.number()).optional(),
      StatusCode: z.string().optional(),
      Messages: z.array(z.unknown()).optional(),
    })
    .loose(),
);
export type MetricDataResult = z.infer<typeof metricDataResultSchema>;

export const getMetricDataOutputSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      MetricDataResults: z.array(metricDataResultSchema),
      NextToken: z.string().nullish(),
      Messages: z.array(z.unknown()).optional(),
    })
    .loose(),
);

/** Milliseconds since the epoch from a Date, an ISO string or epoch seconds. */
export function toEpochMs(value: Date | string | number): number {
  if (value instanceof Date) return value.getTime();
  // The AWS CLI prints epoch seconds for some timestamps, ISO for others.
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * GetQueryResults' answer (CloudWatch Logs API reference): `results` is an
 * array of rows, each an array of `{field, value}`; `status` is one of
 * Scheduled, Running, Complete, Failed, Cancelled, Timeout, Unknown. The
 * AWS CLI (`aws logs get-query-results`) prints the same keys.
 */
export const getQueryResultsOutputSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      results: z.array(
        z.array(
          z.object({
            field: z.string().optional(),
            value: z.string().optional(),
          }),
        ),
      ),
      statistics: z
        .object({
          recordsMatched: z.number().optional(),
          recordsScanned: z.number().optional(),
          bytesScanned: z.number().optional(),
        })
        .loose()
        .optional(),
      status: z.string(),
    })
    .loose(),
);
export type GetQueryResultsOutput = z.infer<typeof getQueryResultsOutputSchema>;
