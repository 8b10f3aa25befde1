/**
 * The AWS answers burstguard reads, as zod schemas. They accept both what the
 * SDK v3 returns (Dates) and what the AWS CLI prints (ISO strings), so a
 * recording made by hand with `aws efs describe-file-systems` and
 * `aws cloudwatch get-metric-data` reads exactly like a live call.
 */
import * as z from 'zod/mini';
import { schema } from './schema.ts';

const timeSchema = /* @__PURE__ */ schema(() =>
  z.union([z.date(), z.string(), z.number()]),
);

/** One FileSystemDescription (EFS API reference, DescribeFileSystems). */
export const fileSystemDescriptionSchema = /* @__PURE__ */ schema(() =>
  z.looseObject({
    FileSystemId: z.string(),
    Name: z.optional(z.string()),
    LifeCycleState: z.string(),
    PerformanceMode: z.string(),
    ThroughputMode: z.optional(z.string()),
    ProvisionedThroughputInMibps: z.optional(z.number()),
    SizeInBytes: z.looseObject({
      Value: z.number(),
      Timestamp: z.optional(timeSchema),
      ValueInIA: z.optional(z.number()),
      ValueInStandard: z.optional(z.number()),
      ValueInArchive: z.optional(z.number()),
    }),
    Tags: z.optional(z.array(z.object({ Key: z.string(), Value: z.string() }))),
    FileSystemArn: z.optional(z.string()),
    /** Set only for One Zone file systems (EFS API reference). */
    AvailabilityZoneName: z.optional(z.string()),
    CreationTime: z.optional(timeSchema),
  }),
);
export type FileSystemDescription = z.infer<typeof fileSystemDescriptionSchema>;

export const describeFileSystemsOutputSchema = /* @__PURE__ */ schema(() =>
  z.looseObject({ FileSystems: z.array(fileSystemDescriptionSchema) }),
);

/** One MetricDataResult (CloudWatch API reference, GetMetricData). */
export const metricDataResultSchema = /* @__PURE__ */ schema(() =>
  z.looseObject({
    Id: z.string(),
    Label: z.optional(z.string()),
    Timestamps: z.optional(z.array(timeSchema)),
    Values: z.optional(z.array(z.number())),
    StatusCode: z.optional(z.string()),
    Messages: z.optional(z.array(z.unknown())),
  }),
);
export type MetricDataResult = z.infer<typeof metricDataResultSchema>;

export const getMetricDataOutputSchema = /* @__PURE__ */ schema(() =>
  z.looseObject({
    MetricDataResults: z.array(metricDataResultSchema),
    NextToken: z.nullish(z.string()),
    Messages: z.optional(z.array(z.unknown())),
  }),
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
  z.looseObject({
    results: z.array(
      z.array(
        z.object({
          field: z.optional(z.string()),
          value: z.optional(z.string()),
        }),
      ),
    ),
    statistics: z.optional(
      z.looseObject({
        recordsMatched: z.optional(z.number()),
        recordsScanned: z.optional(z.number()),
        bytesScanned: z.optional(z.number()),
      }),
    ),
    status: z.string(),
  }),
);
export type GetQueryResultsOutput = z.infer<typeof getQueryResultsOutputSchema>;
