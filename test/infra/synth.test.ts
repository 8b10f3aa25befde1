/**
 * `npm run synth` run as a reviewer runs it, and its output file read back:
 * the network, the IAM and the partition of what deploy creates. SST's
 * Function adds AWSLambdaVPCAccessExecutionRole when `vpc` is set (sst
 * platform `src/components/aws/function.ts`, `managedPolicyArns`).
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/functions.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLE = JSON.parse(
  readFileSync(join(ROOT, 'burstguard.config.example.json'), 'utf8'),
);
const FUNCTION = 'aws:lambda/function:Function';
const SYNTH_MS = 60_000;
/** The collector's network named by its VPC and subnets. */
const VPC_NETWORK = {
  subnetIds: ['subnet-0123456789abcdef0'],
  vpcId: 'vpc-0123456789abcdef0',
};

type Row = { type: string; name: string; props: Record<string, unknown> };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
};

const dir = mkdtempSync(join(tmpdir(), 'burstguard-synth-'));
let files = 0;

/** Runs the script; exit code, stderr and the rows it wrote. */
async function synth(
  config?: unknown,
  extraArgs: string[] = [],
): Promise<{ code: number; stderr: string; rows: Row[] }> {
  files += 1;
  const out = join(dir, `out-${files}.json`);
  const args = ['--import', 'tsx', 'scripts/synth.ts', '--out', out];
  if (config !== undefined) {
    const path = join(dir, `config-${files}.json`);
    writeFileSync(path, JSON.stringify(config));
    args.push('--config', path);
  }
  try {
    await run(process.execPath, [...args, ...extraArgs], { cwd: ROOT });
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr, rows: [] };
  }
  return {
    code: 0,
    stderr: '',
    rows: JSON.parse(readFileSync(out, 'utf8')) as Row[],
  };
}

let exampleRun: ReturnType<typeof synth> | undefined;

/** The example configuration's output, written once for the tests reading it. */
function synthExample(): ReturnType<typeof synth> {
  exampleRun ??= synth();
  return exampleRun;
}

/** Every IAM statement: inline role policies and the functions' roles. */
function statements(rows: Row[]): { owner: string; statement: Statement }[] {
  return rows.flatMap((row) => {
    const list =
      row.type === 'aws:iam/rolePolicy:RolePolicy'
        ? (row.props.policy as { Statement: Statement[] }).Statement
        : row.type === FUNCTION
          ? (row.props.role as { statements: Statement[] }).statements
          : [];
    return list.map((statement) => ({ owner: row.name, statement }));
  });
}

const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

function grantsOf(rows: Row[], action: string) {
  return statements(rows)
    .filter(({ statement }) => asList(statement.Action).includes(action))
    .map(({ owner, statement }) => ({
      owner,
      resources: asList(statement.Resource),
    }));
}

function withFileSystems(fileSystems: Record<string, unknown>[]) {
  return { ...EXAMPLE, fileSystems };
}

const FS_A = 'fs-0123456789abcdef0';
const FS_B = 'fs-0fedcba9876543210';
const fsArn = (id: string) =>
  `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${id}`;

describe('npm run synth', () => {
  it(
    'puts only the ClickHouse collector in the VPC, with the VPC access policy',
    async () => {
      // Prepare / Act
      const { code, rows } = await synthExample();

      // Assess
      expect(code).toBe(0);
      const functions = rows.filter((r) => r.type === FUNCTION);
      expect(functions).toHaveLength(FUNCTION_NAMES.length);
      const inVpc = functions.filter((r) => r.props.vpcConfig !== undefined);
      expect(inVpc.map((r) => r.name)).toEqual(['CollectClickhouse']);
      expect(inVpc[0]?.props.vpcConfig).toEqual({
        securityGroupIds: EXAMPLE.clickhouseNetwork.securityGroupIds,
        subnetIds: EXAMPLE.clickhouseNetwork.subnetIds,
      });
      const vpcPolicy =
        'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
      const withVpcPolicy = functions.filter((r) =>
        (
          r.props.role as { managedPolicyArns: string[] }
        ).managedPolicyArns.includes(vpcPolicy),
      );
      expect(withVpcPolicy.map((r) => r.name)).toEqual(['CollectClickhouse']);
    },
    SYNTH_MS,
  );

  it(
    'links the ClickHouse credentials to the collector only, granting no IAM',
    async () => {
      // Prepare / Act
      const { rows } = await synthExample();

      // Assess: both may stay unset (a placeholder), SST secrets grant no
      // IAM (their getSSTLink has no \`include\`: sst platform
      // \`src/components/secret.ts\`), and only the collector reads them.
      const secrets = rows.filter((r) => r.type === 'sst:sst:Secret');
      expect(
        secrets
          .filter((r) => r.name.startsWith('ClickHouse'))
          .map((r) => [r.name, r.props]),
      ).toEqual([
        ['ClickHouseCredentials', { placeholder: '' }],
        ['ClickHousePassword', { placeholder: '' }],
        ['ClickHouseCaCertificate', { placeholder: '' }],
      ]);
      const functions = rows.filter((r) => r.type === FUNCTION);
      const linking = (name: string) =>
        functions
          .filter((r) => (r.props.links as string[]).includes(name))
          .map((r) => r.name);
      // ReplayBatch reads each file system's Langfuse admin key from the
      // credentials secret (its `langfuseAdminKey`), and nothing else.
      expect(linking('ClickHouseCredentials')).toEqual([
        'CollectClickhouse',
        'ReplayBatch',
      ]);
      expect(linking('ClickHousePassword')).toEqual(['CollectClickhouse']);
      for (const name of ['CollectClickhouse', 'ReplayBatch']) {
        const fn = functions.find((r) => r.name === name);
        expect(
          (fn?.props.role as { statements?: Statement[] } | undefined)
            ?.statements,
          name,
        ).toEqual([]);
      }
    },
    SYNTH_MS,
  );

  it(
    'grants no wildcard action anywhere',
    async () => {
      // Prepare / Act
      const { rows } = await synthExample();

      // Assess
      const actions = statements(rows).flatMap(({ statement }) =>
        asList(statement.Action),
      );
      expect(actions.length).toBeGreaterThan(10);
      expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    },
    SYNTH_MS,
  );

  it(
    "lets the preflight read and resolve incidents and describe only the app's alarms",
    async () => {
      // Prepare / Act
      const { rows } = await synthExample();

      // Assess: the same DescribeAlarms grant as ResolveIncident, and the
      // incident table's two actions, in the preflight's role policy.
      const describe = grantsOf(rows, 'cloudwatch:DescribeAlarms');
      const preflight = describe.find((g) => g.owner === 'Preflight');
      const resolve = describe.find((g) => g.owner === 'ResolveIncident');
      expect(preflight?.resources.length).toBeGreaterThan(0);
      expect(preflight?.resources).toEqual(resolve?.resources);
      expect(preflight?.resources).not.toContain('*');
      for (const action of ['dynamodb:GetItem', 'dynamodb:UpdateItem']) {
        expect(
          grantsOf(rows, action).map((g) => g.owner),
          action,
        ).toContain('Preflight');
      }
      expect(describe.map((g) => g.owner).sort()).toEqual([
        'OpenIncident',
        'Preflight',
        'ResolveIncident',
      ]);
    },
    SYNTH_MS,
  );

  it.each([
    {
      allowlist: 'the allowlisted file systems',
      fileSystems: [
        { fileSystemId: FS_A, remediationAllowed: true },
        { fileSystemId: FS_B, remediationAllowed: false },
      ],
      updates: [{ owner: 'Remediate', resources: [fsArn(FS_A)] }],
    },
    {
      allowlist: 'nothing, when nothing is allowlisted',
      fileSystems: [{ fileSystemId: FS_A, remediationAllowed: false }],
      updates: [],
    },
  ])(
    'grants UpdateFileSystem on $allowlist',
    async ({ fileSystems, updates }) => {
      // Prepare
      const config = withFileSystems(fileSystems);

      // Act
      const { code, rows } = await synth(config);

      // Assess
      expect(code).toBe(0);
      expect(rows.length).toBeGreaterThan(20);
      expect(grantsOf(rows, 'elasticfilesystem:UpdateFileSystem')).toEqual(
        updates,
      );
      expect(
        grantsOf(rows, 'elasticfilesystem:DescribeFileSystems').flatMap(
          (g) => g.resources,
        ),
      ).not.toContain('*');
    },
    SYNTH_MS,
  );

  it(
    "creates a security group whose only rule is egress to ClickHouse's port",
    async () => {
      // Prepare
      const config = {
        ...EXAMPLE,
        clickhouseNetwork: VPC_NETWORK,
      };

      // Act
      const { rows } = await synth(config);

      // Assess: the example's ClickHouse is https://clickhouse.internal:8443
      const groups = rows.filter(
        (r) => r.type === 'aws:ec2/securityGroup:SecurityGroup',
      );
      expect(groups).toHaveLength(1);
      const group = groups[0] as Row;
      expect(group.props.vpcId).toBe('vpc-0123456789abcdef0');
      expect(group.props.ingress).toEqual([]);
      expect(group.props.egress).toEqual([
        expect.objectContaining({
          protocol: 'tcp',
          fromPort: 8443,
          toPort: 8443,
          cidrBlocks: ['10.0.0.0/16'],
        }),
      ]);
      const collector = rows.find((r) => r.name === 'CollectClickhouse');
      expect(collector?.props.vpcConfig).toEqual({
        securityGroupIds: ['sg-0000000000000000a'],
        subnetIds: ['subnet-0123456789abcdef0'],
      });
    },
    SYNTH_MS,
  );

  it(
    "creates the recovery's bucket, state machine and failure rule, each scoped as narrowly as its calls allow",
    async () => {
      // Prepare / Act: the example's file system has `recovery`.
      const { rows } = await synthExample();
      const of = (type: string) => rows.filter((r) => r.type === type);

      // Assess: burstguard's own bucket, private, with its objects expiring.
      const [bucket] = of('aws:s3/bucket:Bucket');
      expect(bucket?.props.bucket).toBe(
        'burstguard-synth-recovery-123456789012-us-east-1',
      );
      expect(
        of('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')[0]?.props,
      ).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(
        of(
          'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
        )[0]?.props.rules,
      ).toEqual([
        expect.objectContaining({
          status: 'Enabled',
          filter: { prefix: 'recoveries/' },
          expiration: { days: 90 },
        }),
      ]);
      // The role lists the events bucket only under its prefix (the
      // example's is empty) and writes only under recoveries/.
      const policy = of('aws:iam/rolePolicy:RolePolicy').find((r) =>
        r.name.endsWith('-recovery-policy'),
      );
      const statementsOf = (
        (policy as Row).props.policy as {
          Statement: (Statement & { Sid: string; Condition?: unknown })[];
        }
      ).Statement;
      const bySid = Object.fromEntries(statementsOf.map((st) => [st.Sid, st]));
      expect(bySid.ListEventsBucket0).toMatchObject({
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::langfuse-events-prod'],
        Condition: { StringLike: { 's3:prefix': ['*'] } },
      });
      expect(bySid.WriteMapRunResults?.Resource).toEqual([
        'arn:aws:s3:::burstguard-synth-recovery-123456789012-us-east-1/recoveries/*',
      ]);
      expect(bySid.StartMapRunChildren?.Resource).toEqual([
        'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-synth-recovery',
      ]);
      // PlanRecovery's ListBucket carries the same condition.
      const plan = rows.find((r) => r.name === 'PlanRecovery');
      const planList = (
        (plan as Row).props.role as {
          statements: (Statement & { Condition?: unknown })[];
        }
      ).statements.find((st) => asList(st.Action).includes('s3:ListBucket'));
      expect(planList?.Condition).toEqual({
        StringLike: { 's3:prefix': ['*'] },
      });
      // The runbook may start the recovery, and nothing else.
      expect(grantsOf(rows, 'states:StartExecution')).toEqual(
        expect.arrayContaining([
          {
            owner: 'burstguard-synth-runbook-policy',
            resources: [
              'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-synth-recovery',
            ],
          },
        ]),
      );
      // The failure rule matches only this recovery machine's failures and
      // may invoke FinishRecovery alone.
      const rule = of('aws:cloudwatch/eventRule:EventRule').find((r) =>
        r.name.endsWith('-recovery-failed'),
      );
      expect(rule?.props.eventPattern).toEqual({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [
            'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-synth-recovery',
          ],
        },
      });
      const permission = of('aws:lambda/permission:Permission').find((r) =>
        r.name.endsWith('-recovery-failed-invoke'),
      );
      expect(permission?.props).toMatchObject({
        principal: 'events.amazonaws.com',
        function: expect.stringMatching(/FinishRecovery$/),
      });
    },
    SYNTH_MS,
  );

  it(
    'puts the replay function in the VPC for a private Langfuse, with an egress rule to its port',
    async () => {
      // Prepare
      const [fs] = EXAMPLE.fileSystems;
      const config = {
        ...EXAMPLE,
        clickhouseNetwork: VPC_NETWORK,
        fileSystems: [
          {
            ...fs,
            recovery: {
              ...fs.recovery,
              langfuseUrl: 'https://langfuse.internal:3443',
              langfuseInVpc: true,
            },
          },
        ],
      };

      // Act
      const { rows } = await synth(config);

      // Assess
      const inVpc = rows
        .filter((r) => r.type === FUNCTION && r.props.vpcConfig)
        .map((r) => r.name);
      expect(inVpc.sort()).toEqual(['CollectClickhouse', 'ReplayBatch']);
      const group = rows.find(
        (r) => r.type === 'aws:ec2/securityGroup:SecurityGroup',
      );
      expect(
        ((group as Row).props.egress as { fromPort: number }[]).map(
          (e) => e.fromPort,
        ),
      ).toEqual([8443, 3443]);
    },
    SYNTH_MS,
  );

  it(
    'refuses a private Langfuse without a network for the replay function, in one line',
    async () => {
      // Prepare
      const { clickhouseNetwork: _, ...rest } = EXAMPLE;
      const [fs] = EXAMPLE.fileSystems;
      const config = {
        ...rest,
        fileSystems: [
          { ...fs, recovery: { ...fs.recovery, langfuseInVpc: true } },
        ],
      };

      // Act
      const { code, stderr } = await synth(config);

      // Assess
      expect(code).not.toBe(0);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(
        'fileSystems.0.recovery.langfuseInVpc: needs clickhouseNetwork',
      );
    },
    SYNTH_MS,
  );

  it(
    'keeps every function outside a VPC when no network is configured',
    async () => {
      // Prepare
      const { clickhouseNetwork: _, ...config } = EXAMPLE;

      // Act
      const { rows } = await synth(config);

      // Assess
      const functions = rows.filter((r) => r.type === FUNCTION);
      expect(functions).toHaveLength(FUNCTION_NAMES.length);
      expect(functions.filter((r) => r.props.vpcConfig)).toEqual([]);
    },
    SYNTH_MS,
  );

  it(
    'names only aws-cn ARNs for a China region',
    async () => {
      // Prepare
      const config = { ...EXAMPLE, region: 'cn-north-1' };

      // Act
      const { rows } = await synth(config);

      // Assess
      const arns = JSON.stringify(rows).match(/arn:[a-z-]+:/g) ?? [];
      expect(arns.length).toBeGreaterThan(10);
      expect([...new Set(arns)]).toEqual(['arn:aws-cn:']);
      const machine = rows.find(
        (r) => r.type === 'aws:sfn/stateMachine:StateMachine',
      );
      const definition = machine?.props.definition as {
        States: Record<string, { Resource?: string }>;
      };
      expect(definition.States.RequestApproval?.Resource).toBe(
        'arn:aws-cn:states:::lambda:invoke.waitForTaskToken',
      );
    },
    SYNTH_MS,
  );

  it(
    'lets the Slack endpoint answer task tokens of the deployed state machine',
    async () => {
      // Prepare / Act
      const { rows } = await synthExample();

      // Assess
      const machine = rows.find(
        (r) => r.type === 'aws:sfn/stateMachine:StateMachine',
      );
      // The endpoint answers the approval card and the recovery's offer;
      // OfferRecovery answers its own token when the policy decides.
      const recovery = rows.find(
        (r) =>
          r.type === 'aws:sfn/stateMachine:StateMachine' &&
          String(r.props.name).endsWith('-recovery'),
      );
      expect(machine?.props.name).toMatch(/-runbook$/);
      const arnOf = (row: typeof machine) =>
        `arn:aws:states:us-east-1:123456789012:stateMachine:${row?.props.name}`;
      expect(grantsOf(rows, 'states:SendTaskSuccess')).toEqual([
        { owner: 'OfferRecovery', resources: [arnOf(recovery)] },
        {
          owner: 'SlackInteractions',
          resources: [arnOf(machine), arnOf(recovery)],
        },
      ]);
      const url = rows.find((r) => r.name === 'SlackInteractions')?.props.url;
      expect(url).toEqual({ authorizationType: 'NONE' });
    },
    SYNTH_MS,
  );

  it(
    'reserves 5 concurrent executions for the public Slack endpoint only',
    async () => {
      // Prepare / Act
      const { rows } = await synthExample();

      // Assess: reservedConcurrentExecutions is what SST's
      // `concurrency.reserved` sets on the Lambda function.
      const reserved = rows
        .filter((r) => r.type === FUNCTION)
        .filter((r) => r.props.reservedConcurrentExecutions !== undefined)
        .map((r) => [r.name, r.props.reservedConcurrentExecutions]);
      expect(reserved).toEqual([['SlackInteractions', 5]]);
    },
    SYNTH_MS,
  );

  it(
    'reserves nothing with slackEndpointReservedConcurrency 0, for small accounts',
    async () => {
      // Prepare
      const config = { ...EXAMPLE, slackEndpointReservedConcurrency: 0 };

      // Act
      const { code, rows } = await synth(config);

      // Assess
      expect(code).toBe(0);
      const functions = rows.filter((r) => r.type === FUNCTION);
      expect(functions).toHaveLength(FUNCTION_NAMES.length);
      expect(
        functions.filter(
          (r) => r.props.reservedConcurrentExecutions !== undefined,
        ),
      ).toEqual([]);
    },
    SYNTH_MS,
  );

  it.each([
    [[], /^synth: --out FILE is required; usage: npm run synth/, false],
    [['--bogus'], /^synth: Unknown option '--bogus'.*; usage:/, true],
  ])(
    'says what is wrong with the flags %j in one line',
    async (args, message, withOut) => {
      // Prepare
      const argv = withOut
        ? [
            '--import',
            'tsx',
            'scripts/synth.ts',
            '--out',
            join(dir, 'x.json'),
            ...args,
          ]
        : ['--import', 'tsx', 'scripts/synth.ts', ...args];

      // Act
      const result = await run(process.execPath, argv, { cwd: ROOT }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    },
    SYNTH_MS,
  );

  it(
    'says what is wrong with the configuration in one line',
    async () => {
      // Prepare
      const config = {
        ...EXAMPLE,
        clickhouseNetwork: {
          ...VPC_NETWORK,
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
      };

      // Act
      const { code, stderr } = await synth(config);

      // Assess
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /^synth: .*config-\d+\.json: configuration clickhouseNetwork: name securityGroupIds, or vpcId .*not both\n$/,
      );
    },
    SYNTH_MS,
  );
});

describe('docs/deploy.md', () => {
  it(
    "lists every function's actions as synth shows them, and no other",
    async () => {
      // Prepare: the IAM table's rows, `| principals | actions | ... |`,
      // where principals and actions are backquoted names.
      const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
      const documented = new Map<string, Set<string>>();
      for (const line of doc.split('\n')) {
        const cells = line.split('|').map((c) => c.trim());
        const [principals, actions] = [cells[1] ?? '', cells[2] ?? ''];
        const names = [...principals.matchAll(/`([A-Z][A-Za-z]+)`/g)].map(
          (m) => m[1] as string,
        );
        const granted = [...actions.matchAll(/`([a-z0-9-]+:[A-Za-z*]+)`/g)].map(
          (m) => m[1] as string,
        );
        for (const name of names) {
          const set = documented.get(name) ?? new Set<string>();
          for (const action of granted) set.add(action);
          documented.set(name, set);
        }
      }

      // Act
      const { rows } = await synthExample();

      // Assess
      for (const fn of rows.filter((r) => r.type === FUNCTION)) {
        const statements = (fn.props.role as { statements: Statement[] })
          .statements;
        const synthesized = new Set(
          statements.flatMap((s) => [s.Action].flat()),
        );
        expect(
          [...(documented.get(fn.name) ?? [])].sort(),
          `docs/deploy.md IAM table, ${fn.name}`,
        ).toEqual([...synthesized].sort());
      }
    },
    SYNTH_MS,
  );
});
