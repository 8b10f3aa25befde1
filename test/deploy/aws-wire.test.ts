/**
 * The wire doubles against the real SDK clients: each client finds its
 * double through AWS_ENDPOINT_URL_<SERVICE> alone (the variable named
 * from the client's own serviceId), and decodes the double's answers and
 * errors as it decodes AWS's.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeFileSystemsCommand,
  EFSClient,
  UpdateFileSystemCommand,
} from '@aws-sdk/client-efs';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { describeFileSystemsResponse } from '../fixtures/aws-responses.ts';
import {
  type AwsWire,
  endpointVariable,
  pointSdkAt,
  startAwsWire,
  toWire,
  wireService,
} from '../support/aws-wire.ts';

const T0 = new Date('2026-11-23T03:00:00Z');
const credentials = { accessKeyId: 'AKIDWIRE', secretAccessKey: 'wire' };
const options = { region: 'us-east-1', credentials, maxAttempts: 1 };

let wire: AwsWire;
let restoreEnv = () => {};

beforeAll(async () => {
  wire = await startAwsWire([
    wireService('CloudWatch', {
      GetMetricData: () => ({
        body: {
          MetricDataResults: [
            {
              Id: 'burst_credit_balance',
              Label: 'BurstCreditBalance',
              Timestamps: [T0.getTime() / 1000],
              Values: [0],
              StatusCode: 'Complete',
            },
          ],
        },
      }),
    }),
    // StartQuery answers a queryId (CloudWatch Logs API reference).
    wireService('CloudWatch Logs', {
      StartQuery: () => ({
        body: { queryId: '12ab3456-12ab-123a-789e-1234567890ab' },
      }),
    }),
    wireService('SFN', { SendTaskSuccess: () => ({ body: {} }) }),
    wireService('EFS', {
      DescribeFileSystems: () => ({
        body: toWire(describeFileSystemsResponse()),
      }),
      // The 24 h rule's answer (EFS API reference, UpdateFileSystem
      // errors: TooManyRequests, 429, with ErrorCode and Message).
      UpdateFileSystem: () => ({
        error: {
          status: 429,
          code: 'TooManyRequests',
          message:
            'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until 2026-11-24T03:00:00Z UTC and try again.',
        },
      }),
    }),
  ]);
  restoreEnv = pointSdkAt(wire);
});

afterAll(async () => {
  restoreEnv();
  await wire?.close();
});

describe('the AWS wire doubles', () => {
  it('name the variable after each client serviceId', () => {
    const ids = [
      new CloudWatchClient(options),
      new CloudWatchLogsClient(options),
      new SFNClient(options),
      new EFSClient(options),
    ].map((client) => client.config.serviceId);

    expect(ids.map(endpointVariable)).toEqual([
      'AWS_ENDPOINT_URL_CLOUDWATCH',
      'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
      'AWS_ENDPOINT_URL_SFN',
      'AWS_ENDPOINT_URL_EFS',
    ]);
  });

  it('answer CloudWatch GetMetricData in the JSON protocol', async () => {
    const out = await new CloudWatchClient(options).send(
      new GetMetricDataCommand({
        StartTime: T0,
        EndTime: new Date(T0.getTime() + 60_000),
        MetricDataQueries: [
          {
            Id: 'burst_credit_balance',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/EFS',
                MetricName: 'BurstCreditBalance',
                Dimensions: [{ Name: 'FileSystemId', Value: FS_ID }],
              },
              Period: 60,
              Stat: 'Minimum',
            },
          },
        ],
      }),
    );

    expect(out.MetricDataResults?.[0]).toMatchObject({
      Id: 'burst_credit_balance',
      Timestamps: [T0],
      Values: [0],
    });
    const call = wire.calls.find((c) => c.operation === 'GetMetricData');
    expect(call?.body.MetricDataQueries).toHaveLength(1);
  });

  it('answer CloudWatch Logs StartQuery', async () => {
    const out = await new CloudWatchLogsClient(options).send(
      new StartQueryCommand({
        logGroupNames: ['/ecs/langfuse-worker'],
        startTime: 1_763_860_000,
        endTime: 1_763_867_000,
        queryString: 'fields @message | limit 1',
      }),
    );

    expect(out.queryId).toBe('12ab3456-12ab-123a-789e-1234567890ab');
  });

  it('answer Step Functions SendTaskSuccess', async () => {
    await new SFNClient(options).send(
      new SendTaskSuccessCommand({ taskToken: 'tok', output: '{}' }),
    );

    expect(
      wire.calls.find((c) => c.operation === 'SendTaskSuccess')?.body,
    ).toEqual({ taskToken: 'tok', output: '{}' });
  });

  it('answer EFS over REST JSON, errors included', async () => {
    const efs = new EFSClient(options);

    const described = await efs.send(
      new DescribeFileSystemsCommand({ FileSystemId: FS_ID }),
    );
    const refused = await efs
      .send(
        new UpdateFileSystemCommand({
          FileSystemId: FS_ID,
          ThroughputMode: 'elastic',
        }),
      )
      .catch((error: Error & { ErrorCode?: string }) => error);

    expect(described.FileSystems?.[0]?.CreationTime).toEqual(
      new Date('2026-01-12T09:14:38Z'),
    );
    expect(refused).toMatchObject({
      name: 'TooManyRequests',
      ErrorCode: 'TooManyRequests',
    });
    expect((refused as Error).message).toMatch(/^You have reached/);
    expect(
      wire.calls.find((c) => c.operation === 'UpdateFileSystem')?.pathParams,
    ).toEqual({ FileSystemId: FS_ID });
  });

  it('refuse an operation with no entry, and keep the call', async () => {
    const before = wire.unhandled.length;

    const error = await new SFNClient(options)
      .send(new SendTaskFailureCommand({ taskToken: 't', error: 'Declined' }))
      .catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'UnknownOperationException' });
    expect(wire.unhandled.slice(before)).toMatchObject([
      { serviceId: 'SFN', operation: 'SendTaskFailure' },
    ]);
  });
});
