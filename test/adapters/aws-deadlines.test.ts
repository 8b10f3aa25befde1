/**
 * Every AWS client burstguard builds (awsClientOptions) against loopback
 * doubles that accept the connection and never answer, or that refuse
 * UpdateFileSystem with EFS's 24 h rule. The clients find the doubles
 * through AWS_ENDPOINT_URL_<SERVICE> (test/support/aws-wire.ts).
 *
 * Why a deadline needs `throwOnRequestTimeout`: @smithy/node-http-handler
 * 4.x (`setRequestTimeout`, dist-cjs/index.js) only logs "[WARN] a request
 * has exceeded the configured ... requestTimeout" without it, and the call
 * waits on, into the Lambda timeout.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EFSClient } from '@aws-sdk/client-efs';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/functions.ts';
import {
  AWS_CALL_LIMITS,
  awsClientOptions,
} from '../../shared/adapters/aws-clients.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import {
  createEfsPort,
  createRemediationEfsPort,
} from '../../shared/adapters/aws-efs.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import {
  type AwsWire,
  pointSdkAt,
  startAwsWire,
  WIRE_PROTOCOLS,
  type WireResponse,
} from '../support/aws-wire.ts';

const credentials = { accessKeyId: 'AKIDDEADLINE', secretAccessKey: 'x' };
const HANG: WireResponse = { hang: true };
const LAMBDA_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1000;

/**
 * The 24 h rule's answer to UpdateFileSystem: 429 TooManyRequests with
 * ErrorCode and Message (EFS API reference, UpdateFileSystem errors; the
 * text from re:Post knowledge center efs-max-throughput-mode-changes).
 */
const TOO_MANY_REQUESTS: WireResponse = {
  error: {
    status: 429,
    code: 'TooManyRequests',
    message:
      'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until 2026-11-24T03:00:00Z UTC and try again.',
  },
};

let wire: AwsWire;
/** What UpdateFileSystem answers in the current test. */
let updateAnswer: WireResponse = TOO_MANY_REQUESTS;
let restoreEnv = () => {};

beforeAll(async () => {
  wire = await startAwsWire([
    {
      serviceId: 'EFS',
      protocol: WIRE_PROTOCOLS.EFS,
      operations: {
        DescribeFileSystems: () => HANG,
        UpdateFileSystem: () => updateAnswer,
      },
    },
    {
      serviceId: 'CloudWatch',
      protocol: WIRE_PROTOCOLS.CloudWatch,
      operations: { GetMetricData: () => HANG },
    },
    {
      serviceId: 'SFN',
      protocol: WIRE_PROTOCOLS.SFN,
      operations: { SendTaskSuccess: () => HANG },
    },
    {
      serviceId: 'DynamoDB',
      protocol: WIRE_PROTOCOLS.DynamoDB,
      operations: { GetItem: () => HANG },
    },
  ]);
  restoreEnv = pointSdkAt(wire);
});

afterAll(async () => {
  restoreEnv();
  await wire?.close();
});

/** Runs a call; its error and how long it took to fail. */
async function failure(call: () => Promise<unknown>) {
  const started = performance.now();
  const error = await call().then(
    () => undefined,
    (e: Error) => e,
  );
  return { error, ms: performance.now() - started };
}

function callsTo(operation: string): number {
  return wire.calls.filter((c) => c.operation === operation).length;
}

describe('AWS calls against an endpoint that never answers', () => {
  it('ends a call with the default limits in a TimeoutError, well inside the Lambda timeout', async () => {
    const before = callsTo('DescribeFileSystems');
    const efs = createEfsPort(
      new EFSClient({ ...awsClientOptions('us-east-1'), credentials }),
    );

    const { error, ms } = await failure(() => efs.describeFileSystem(FS_ID));

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(error?.message).toMatch(/exceeded the configured 4000 ms/);
    // Generous: the budget plus a margin, still far from 20 s.
    expect(ms).toBeLessThan(AWS_CALL_LIMITS.callBudgetMs + 3_000);
    expect(AWS_CALL_LIMITS.callBudgetMs + 3_000).toBeLessThan(
      LAMBDA_TIMEOUT_MS,
    );
    // Retried once at most, inside the budget.
    const attempts = callsTo('DescribeFileSystems') - before;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(AWS_CALL_LIMITS.maxAttempts);
  }, 30_000);

  it('bounds CloudWatch, Step Functions and DynamoDB calls the same way', async () => {
    const limits = { attemptTimeoutMs: 300, callBudgetMs: 1_000 };
    const options = { ...awsClientOptions('us-east-1', limits), credentials };
    const metrics = createMetricsPort(new CloudWatchClient(options));
    const sfn = new SFNClient(options);
    const store = createDynamoIncidentStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient(options)),
      tableName: 'incidents',
    });

    const outcomes = await Promise.all([
      failure(() =>
        metrics.getMetricData({
          queries: [
            {
              id: 'burst_credit_balance',
              namespace: 'AWS/EFS',
              metricName: 'BurstCreditBalance',
              dimensions: { FileSystemId: FS_ID },
              stat: 'Minimum',
            },
          ],
          start: new Date('2026-11-23T00:00:00Z'),
          end: new Date('2026-11-23T03:00:00Z'),
          periodSeconds: 60,
        }),
      ),
      failure(() =>
        sfn.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' })),
      ),
      failure(() => store.current(FS_ID)),
    ]);

    for (const { error, ms } of outcomes) {
      expect(error).toMatchObject({ name: 'TimeoutError' });
      expect(ms).toBeLessThan(5_000);
    }
  }, 30_000);
});

describe('the deployed functions', () => {
  it('build every AWS client with awsClientOptions', () => {
    // The wiring under shared/adapters/wiring (and the CLI) builds the
    // clients that deploy: a client built with `{}` would have no deadline
    // and the SDK's default retry. A handler.ts builds none itself.
    const wiring = readdirSync('shared/adapters/wiring').map(
      (f) => `shared/adapters/wiring/${f}`,
    );
    const handlers = readdirSync('functions')
      .map((d) => `functions/${d}/handler.ts`)
      .filter((f) => existsSync(f));
    const files = [
      ...wiring,
      ...handlers,
      'cli/commands/record.ts',
      'cli/commands/start.ts',
    ];
    const unbounded: string[] = [];
    const builtIn = new Map<string, string[]>();

    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const bound = new Set(
        [...text.matchAll(/const (\w+) = awsClientOptions\(/g)].map(
          (m) => m[1],
        ),
      );
      const built = /new (\w+Client)\(\s*(awsClientOptions\(|\w+|\{[^}]*\})/g;
      for (const m of text.matchAll(built)) {
        if (m[1] === 'WebClient') continue;
        builtIn.set(file, [...(builtIn.get(file) ?? []), m[1] ?? '']);
        const arg = m[2] ?? '';
        if (arg !== 'awsClientOptions(' && !bound.has(arg)) {
          unbounded.push(`${file}: new ${m[1]}(${arg})`);
        }
      }
    }

    const wired = [
      ...new Set(wiring.flatMap((f) => builtIn.get(f) ?? [])),
    ].sort();
    expect(wired).toEqual([
      'CloudWatchClient',
      'CloudWatchLogsClient',
      'DynamoDBClient',
      'EFSClient',
      'S3Client',
      'SFNClient',
    ]);
    expect(handlers.filter((f) => builtIn.has(f))).toEqual([]);
    expect(builtIn.get('cli/commands/record.ts')).toHaveLength(3);
    expect(builtIn.get('cli/commands/start.ts')).toHaveLength(1);
    expect(unbounded).toEqual([]);
  });
});

describe("UpdateFileSystem, as Remediate's EFS port sends it", () => {
  // createRemediationEfsPort is what functions/remediate/handler.ts
  // deploys. A mutation is sent once: after a timeout or a 5xx the change
  // may have been made (EFS API reference, UpdateFileSystem errors), and a
  // 429 is EFS's answer (the 24 h rule, or throttling) to report.
  const remediationPort = () =>
    createRemediationEfsPort('us-east-1', { credentials });

  it.each([
    [
      'TooManyRequests (the 24 h rule, 429)',
      TOO_MANY_REQUESTS,
      'TooManyRequests',
    ],
    [
      'ThrottlingException (429)',
      {
        error: {
          status: 429,
          code: 'ThrottlingException',
          message: 'Rate exceeded',
        },
      },
      'ThrottlingException',
    ],
    [
      'a 429 with a code the SDK does not know',
      { error: { status: 429, code: 'SlowDown', message: 'slow down' } },
      'SlowDown',
    ],
    [
      'InternalServerError (500)',
      {
        error: {
          status: 500,
          code: 'InternalServerError',
          message: 'internal error',
        },
      },
      'InternalServerError',
    ],
  ] as const)(
    'is sent once when EFS answers %s',
    async (_name, answer, code) => {
      updateAnswer = answer;
      const before = callsTo('UpdateFileSystem');

      const { error } = await failure(() =>
        remediationPort().updateFileSystem({
          FileSystemId: FS_ID,
          ThroughputMode: 'elastic',
        }),
      );

      expect(error).toMatchObject({ name: code });
      expect(callsTo('UpdateFileSystem') - before).toBe(1);
    },
  );

  it('keeps the "Wait until" time of the 24 h rule in the error', async () => {
    updateAnswer = TOO_MANY_REQUESTS;

    const { error } = await failure(() =>
      remediationPort().updateFileSystem({
        FileSystemId: FS_ID,
        ThroughputMode: 'elastic',
      }),
    );

    expect(error?.message).toMatch(/Wait until 2026-11-24T03:00:00Z UTC/);
  });

  it('is sent once when EFS never answers, and fails at the attempt deadline', async () => {
    updateAnswer = HANG;
    const before = callsTo('UpdateFileSystem');

    const { error, ms } = await failure(() =>
      remediationPort().updateFileSystem({
        FileSystemId: FS_ID,
        ThroughputMode: 'elastic',
      }),
    );

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(callsTo('UpdateFileSystem') - before).toBe(1);
    // One 4 s attempt and no second: generous bound, below two attempts.
    expect(ms).toBeLessThan(2 * AWS_CALL_LIMITS.attemptTimeoutMs);
  }, 20_000);

  it('still retries a read: DescribeFileSystems that never answers is tried twice', async () => {
    const before = callsTo('DescribeFileSystems');

    const { error } = await failure(() =>
      remediationPort().describeFileSystem(FS_ID),
    );

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(callsTo('DescribeFileSystems') - before).toBe(2);
  }, 20_000);
});
