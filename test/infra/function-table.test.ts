/**
 * The function table and its 1:1 mapping onto `sst.aws.Function`'s
 * arguments (sst platform `src/components/aws/function.ts`: `vpc` with
 * `privateSubnets`/`securityGroups`, `url`, `concurrency.reserved`,
 * `permissions`, `link`), and sst.config.ts building every function
 * through that mapping and nothing else.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  FUNCTION_NAMES,
  type FunctionSpec,
  functionTable,
  SECRETS,
  sstFunctionArgs,
  VPC_FUNCTIONS,
} from '../../infra/functions.ts';
import { FUNCTION_LINKS, type LinkName } from '../../infra/iam.ts';
import { testConfig } from '../fixtures/config.ts';
import {
  ALARM_PREFIX,
  allPermissions,
  RECOVERY_BUCKET,
  RECOVERY_STATE_MACHINE_ARN,
  recoveryTestConfig,
  STATE_MACHINE_ARN,
  TABLE_ARN,
} from './permissions.ts';
import { TEST_ACCOUNT } from './pulumi-mocks.ts';

const VPC = {
  privateSubnets: ['subnet-0123456789abcdef0'],
  securityGroups: ['sg-0123456789abcdef0'],
};

function table(withVpc = true) {
  return functionTable({
    config: recoveryTestConfig(),
    account: TEST_ACCOUNT,
    incidentTableArn: TABLE_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    recoveryStateMachineArn: RECOVERY_STATE_MACHINE_ARN,
    recoveryBucket: RECOVERY_BUCKET,
    alarmPrefix: ALARM_PREFIX,
    ...(withVpc ? { clickhouseVpc: VPC } : {}),
  });
}

const LINKABLES = {
  SlackBotToken: { link: 'SlackBotToken' },
  SlackSigningSecret: { link: 'SlackSigningSecret' },
  ClickHousePassword: { link: 'ClickHousePassword' },
  ClickHouseCredentials: { link: 'ClickHouseCredentials' },
  ClickHouseCaCertificate: { link: 'ClickHouseCaCertificate' },
  PagerWebhookUrl: { link: 'PagerWebhookUrl' },
  Incidents: { link: 'Incidents' },
} satisfies Record<LinkName, unknown>;

function argsOf(spec: FunctionSpec) {
  return sstFunctionArgs(spec, {
    runtime: 'nodejs24.x',
    environment: { BURSTGUARD_CONFIG: '{}' },
    linkables: LINKABLES,
    nodejs: { format: 'esm' },
  });
}

describe('the function table', () => {
  it('has one row per function, with the permissions infra/iam.ts grants', () => {
    // Prepare
    const expected = allPermissions();

    // Act
    const rows = table();

    // Assess
    expect(Object.keys(rows).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of FUNCTION_NAMES) {
      expect(rows[name].permissions, name).toEqual(expected[name]);
      expect(rows[name].links, name).toEqual(FUNCTION_LINKS[name]);
    }
  });

  it('puts only the functions that read ClickHouse in the VPC', () => {
    // Prepare / Act
    const rows = Object.values(table());

    // Assess
    expect(VPC_FUNCTIONS).toEqual(['collect-clickhouse']);
    expect(rows.filter((r) => r.vpc).map((r) => r.name)).toEqual([
      'collect-clickhouse',
    ]);
    expect(table(false)['collect-clickhouse'].vpc).toBeUndefined();
  });

  /** The functions that link a secret. */
  const linkedBy = (secret: string) =>
    Object.values(table())
      .filter((r) => (r.links as readonly string[]).includes(secret))
      .map((r) => r.name);

  it('links the private CA to the ClickHouse collector only', () => {
    expect(linkedBy('ClickHouseCaCertificate')).toEqual(['collect-clickhouse']);
    // Unset means the system CAs: a placeholder lets deploy go on.
    expect(SECRETS.ClickHouseCaCertificate).toBe('');
  });

  it('links the ClickHouse credentials to the ClickHouse collector only', () => {
    expect(linkedBy('ClickHousePassword')).toEqual(['collect-clickhouse']);
    // The credentials secret also holds each file system's Langfuse admin
    // key, which ReplayBatch (and nothing else it links) reads.
    expect(linkedBy('ClickHouseCredentials')).toEqual([
      'collect-clickhouse',
      'replay-batch',
    ]);
    // Either may stay unset: a file system takes its entry of the JSON or
    // the per-stage password (shared/domain/credentials.ts checks that).
    expect(SECRETS.ClickHouseCredentials).toBe('');
    expect(SECRETS.ClickHousePassword).toBe('');
  });

  it('links the pager webhook to Notify only, as a secret that may stay unset', () => {
    // Only the function that escalates reads it; a secret grants no IAM
    // (its value is in the function's encrypted environment), and Notify's
    // permissions stay what infra/iam.ts grants it.
    expect(linkedBy('PagerWebhookUrl')).toEqual(['notify']);
    expect(table().notify.permissions).toEqual(allPermissions().notify);
    // Unset means no pager: a placeholder lets deploy go on.
    expect(SECRETS.PagerWebhookUrl).toBe('');
  });

  it('gives a URL and 5 reserved units to the Slack endpoint only, by default', () => {
    // Prepare / Act
    const rows = Object.values(table());

    // Assess
    expect(rows.filter((r) => r.url).map((r) => [r.name, r.url])).toEqual([
      ['slack-interactions', { authorization: 'none' }],
    ]);
    expect(
      rows
        .filter((r) => r.reservedConcurrency !== undefined)
        .map((r) => [r.name, r.reservedConcurrency]),
    ).toEqual([['slack-interactions', 5]]);
  });

  it.each([
    [0, undefined],
    [12, 12],
  ])('reserves %i for the Slack endpoint as configured', (units, expected) => {
    // Prepare / Act
    const rows = functionTable({
      config: testConfig({ slackEndpointReservedConcurrency: units }),
      account: TEST_ACCOUNT,
      incidentTableArn: TABLE_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      recoveryStateMachineArn: RECOVERY_STATE_MACHINE_ARN,
      recoveryBucket: RECOVERY_BUCKET,
      alarmPrefix: 'burstguard-test',
    });

    // Assess
    expect(rows['slack-interactions'].reservedConcurrency).toBe(expected);
    expect(
      Object.values(rows).filter(
        (r) =>
          r.name !== 'slack-interactions' &&
          r.reservedConcurrency !== undefined,
      ),
    ).toEqual([]);
  });
});

describe('sstFunctionArgs', () => {
  it('maps every column of a row onto the argument SST reads', () => {
    // Prepare
    const spec: FunctionSpec = {
      ...table()['collect-clickhouse'],
      url: { authorization: 'iam' },
      reservedConcurrency: 3,
    };

    // Act
    const args = argsOf(spec);

    // Assess
    expect(args).toEqual({
      handler: 'functions/collect-clickhouse/handler.handler',
      runtime: 'nodejs24.x',
      architecture: 'arm64',
      timeout: `${spec.timeoutSeconds} seconds`,
      environment: { BURSTGUARD_CONFIG: '{}' },
      link: [
        LINKABLES.ClickHouseCredentials,
        LINKABLES.ClickHousePassword,
        LINKABLES.ClickHouseCaCertificate,
      ],
      permissions: spec.permissions,
      nodejs: { format: 'esm' },
      vpc: VPC,
      url: { authorization: 'iam' },
      concurrency: { reserved: 3 },
    });
  });

  it('leaves out vpc, url and concurrency where the row has none', () => {
    // Prepare / Act
    const args = argsOf(table().diagnose);

    // Assess
    expect('vpc' in args).toBe(false);
    expect('url' in args).toBe(false);
    expect('concurrency' in args).toBe(false);
    expect(args.link).toEqual([]);
  });
});

describe('sst.config.ts and infra/app.ts', () => {
  const read = (path: string) =>
    readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const config = read('sst.config.ts');
  const app = read('infra/app.ts');

  it('builds every Lambda from its table row and nothing else', () => {
    // Prepare / Act: sst.config.ts makes SST's Function of what
    // infra/app.ts hands it, unchanged; infra/app.ts hands the mapping.
    const constructions = [...config.matchAll(/new sst\.aws\.Function\(/g)];
    const passed =
      /fn: \(name, args\) => new sst\.aws\.Function\(name, args\)/.test(config);
    const calls = [...app.matchAll(/\bsst\.fn\(/g)];
    const mapped = app.match(
      /sst\.fn\(\s*functions\[name\]\.component,\s*sstFunctionArgs\(functions\[name\], \{[^}]*\}\),\s*\)/,
    );

    // Assess: one construction, whose arguments are the mapping alone
    expect(constructions).toHaveLength(1);
    expect(passed).toBe(true);
    expect(calls).toHaveLength(1);
    expect(mapped).not.toBeNull();
    expect(config).not.toMatch(/\bFunctionArgs\b/);
    expect(app).not.toMatch(/\bFunctionArgs\b/);
  });

  it('builds every function of the table', () => {
    // Prepare / Act
    const named = [...app.matchAll(/\bfn\('([a-z-]+)'\)/g)].map((m) => m[1]);
    const stepsToo =
      /LAMBDAS\.map\(\(name\) => \[name, fn\(name\)\.arn\]\)/.test(app);

    // Assess
    expect(stepsToo).toBe(true);
    expect(named.sort()).toEqual([
      'advisor',
      'preflight',
      'slack-interactions',
    ]);
  });
});

describe('the ClickHouse collector in a VPC without NAT', () => {
  it('imports no AWS SDK, Slack client or other internet caller', async () => {
    // Prepare / Act: the handler's whole import graph, as esbuild sees it
    const result = await build({
      entryPoints: [
        new URL(
          '../../functions/collect-clickhouse/handler.ts',
          import.meta.url,
        ).pathname,
      ],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    const imported = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((i) => i.path),
    );
    const everything = [...inputs, ...imported];
    expect(everything.some((p) => p.includes('@clickhouse/client'))).toBe(true);
    expect(
      everything.filter((p) =>
        /@aws-sdk\/|@smithy\/|@slack\/|aws-xray-sdk|shared\/adapters\/(aws|slack|dynamo)/.test(
          p,
        ),
      ),
    ).toEqual([]);
  });
});
