import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FUNCTION_LINKS,
  type FunctionName,
  fileSystemArn,
  INCIDENT_TABLE_ACTIONS,
  LOGS_INSIGHTS_LOG_GROUP_ACTIONS,
  LOGS_INSIGHTS_STOP_ACTIONS,
  logGroupArn,
  type PermissionStatement,
  stepFunctionPermissions,
  TASK_CALLBACK_ACTIONS,
} from '../../infra/iam.ts';
import { ENTRY_FUNCTIONS, LAMBDAS } from '../../workflows/definition.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import {
  ALARM_PREFIX,
  allPermissions as permissionsFor,
  RECOVERY_STATE_MACHINE_ARN,
  STATE_MACHINE_ARN,
  TABLE_ARN,
} from './permissions.ts';
import { TEST_ACCOUNT } from './pulumi-mocks.ts';

const fsArn = (id: string) => fileSystemArn(TEST_ACCOUNT, id);
const LOG_GROUPS = {
  [FS_ID]: ['/ecs/langfuse-worker'],
  [OTHER_FS_ID]: ['/ecs/other-worker'],
  'fs-0000000000000000f': ['/ecs/not-watched'],
};

function allPermissions() {
  return permissionsFor(LOG_GROUPS);
}

/** The resources each action is granted on, across a function's statements. */
function grants(statements: PermissionStatement[]): Map<string, unknown[]> {
  const byAction = new Map<string, unknown[]>();
  for (const statement of statements) {
    for (const action of statement.actions) {
      byAction.set(action, [
        ...(byAction.get(action) ?? []),
        ...statement.resources,
      ]);
    }
  }
  return byAction;
}

function source(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/**
 * A function's handler.ts with the modules of shared/adapters/wiring it
 * imports, directly or through each other: the code that builds its
 * clients and reads its SST resources.
 */
function wiredSource(name: FunctionName): string {
  const seen = new Set<string>();
  const read = (path: string): string => {
    if (seen.has(path)) return '';
    seen.add(path);
    const text = source(path);
    const wiring = [
      ...text.matchAll(/from '([^']*wiring\/[\w-]+\.ts|\.\/[\w-]+\.ts)'/g),
    ]
      .map((m) => new URL(m[1] ?? '', `file:///${path}`).pathname.slice(1))
      .filter((p) => p.startsWith('shared/adapters/wiring/'));
    return [text, ...wiring.map(read)].join('\n');
  };
  return read(`functions/${name}/handler.ts`);
}

describe('stepFunctionPermissions', () => {
  it('grants UpdateFileSystem only on allowlisted file systems', () => {
    // Prepare / Act
    const permissions = allPermissions();

    // Assess
    for (const [name, statements] of Object.entries(permissions)) {
      const update = grants(statements).get(
        'elasticfilesystem:UpdateFileSystem',
      );
      if (name === 'remediate') {
        expect(update).toEqual([fsArn(FS_ID)]);
      } else {
        expect(update).toBeUndefined();
      }
    }
  });

  it('gives Remediate no EFS access when nothing is allowlisted', () => {
    // Prepare
    const config = testConfig();
    for (const fs of config.fileSystems) fs.remediationAllowed = false;

    // Act
    const permissions = stepFunctionPermissions({
      config,
      account: TEST_ACCOUNT,
      incidentTableArn: TABLE_ARN,
      alarmPrefix: ALARM_PREFIX,
    });

    // Assess
    const actions = permissions.remediate.flatMap((s) => s.actions);
    expect(actions.filter((a) => a.startsWith('elasticfilesystem:'))).toEqual(
      [],
    );
  });

  it('lets CollectEfs describe the configured file systems and read metrics', () => {
    // Prepare / Act
    const granted = grants(allPermissions()['collect-efs']);

    // Assess
    expect(Object.fromEntries(granted)).toEqual({
      'elasticfilesystem:DescribeFileSystems': [
        fsArn(FS_ID),
        fsArn(OTHER_FS_ID),
      ],
      // GetMetricData has no resource-level permissions.
      'cloudwatch:GetMetricData': ['*'],
    });
  });

  it('lets CollectLangfuse start Logs Insights queries on the configured log groups only', () => {
    // Prepare / Act
    const granted = grants(allPermissions()['collect-langfuse']);

    // Assess: StartQuery and GetQueryResults require the log-group resource
    // type, FilterLogEvents is their dependent action on the same groups;
    // StopQuery has no resource type (Service Authorization Reference,
    // Amazon CloudWatch Logs).
    const arn = (name: string) => logGroupArn(TEST_ACCOUNT, name);
    const watched = [
      arn('/ecs/langfuse-worker'),
      `${arn('/ecs/langfuse-worker')}:*`,
      arn('/ecs/other-worker'),
      `${arn('/ecs/other-worker')}:*`,
    ];
    expect(Object.fromEntries(granted)).toEqual({
      'cloudwatch:GetMetricData': ['*'],
      'logs:StartQuery': watched,
      'logs:GetQueryResults': watched,
      'logs:FilterLogEvents': watched,
      'logs:StopQuery': ['*'],
    });
    for (const name of Object.keys(allPermissions())) {
      if (name === 'collect-langfuse') continue;
      const actions = allPermissions()[name as FunctionName].flatMap(
        (s) => s.actions,
      );
      expect(actions.filter((a) => a.startsWith('logs:'))).toEqual([]);
    }
  });

  it('grants no Logs Insights call without configured log groups', () => {
    // Prepare / Act
    const permissions = stepFunctionPermissions({
      config: testConfig(),
      account: TEST_ACCOUNT,
      incidentTableArn: TABLE_ARN,
      alarmPrefix: ALARM_PREFIX,
    });

    // Assess
    expect(permissions['collect-langfuse']).toEqual([
      { actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
    ]);
  });

  it('builds log group ARNs in the partition, region and account', () => {
    // Prepare / Act
    const arn = logGroupArn(
      { partition: 'aws-us-gov', region: 'us-gov-west-1', accountId: '1' },
      '/ecs/langfuse-worker',
    );

    // Assess
    expect(arn).toBe(
      'arn:aws-us-gov:logs:us-gov-west-1:1:log-group:/ecs/langfuse-worker',
    );
  });

  it('builds file system ARNs in the partition, region and account', () => {
    // Prepare / Act
    const arn = fileSystemArn(
      { partition: 'aws-cn', region: 'cn-north-1', accountId: '210987654321' },
      FS_ID,
    );

    // Assess
    expect(arn).toBe(
      `arn:aws-cn:elasticfilesystem:cn-north-1:210987654321:file-system/${FS_ID}`,
    );
  });
});

describe('function permissions', () => {
  it('grants no wildcard action and no statement without resources', () => {
    // Prepare / Act
    const statements = Object.values(allPermissions()).flat();

    // Assess
    for (const statement of statements) {
      expect(statement.actions.length).toBeGreaterThan(0);
      expect(statement.resources.length).toBeGreaterThan(0);
      for (const action of statement.actions) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  it('grants the incident table exactly to the functions that link it', () => {
    // Prepare / Act
    const permissions = allPermissions();

    // Assess
    for (const [name, statements] of Object.entries(permissions)) {
      const onTable = statements.filter((s) => s.resources.includes(TABLE_ARN));
      const links = FUNCTION_LINKS[name as FunctionName];
      if (links.includes('Incidents')) {
        expect(onTable).toEqual([
          { actions: [...INCIDENT_TABLE_ACTIONS], resources: [TABLE_ARN] },
        ]);
      } else {
        expect(onTable).toEqual([]);
      }
    }
  });

  it("lets the Slack endpoint answer task tokens of this app's state machines only", () => {
    // Prepare / Act
    const granted = grants(allPermissions()['slack-interactions']);

    // Assess: the approval card's (the runbook) and the recovery offer's.
    for (const action of TASK_CALLBACK_ACTIONS) {
      expect(granted.get(action)).toEqual([
        STATE_MACHINE_ARN,
        RECOVERY_STATE_MACHINE_ARN,
      ]);
    }
    expect(granted.get('states:StartExecution')).toBeUndefined();
  });
});

describe('the quiet-period check', () => {
  it("lets ResolveIncident describe only this app's alarms and those configured", () => {
    // Prepare
    const config = testConfig();
    const listed = config.fileSystems.flatMap((f) => f.alarmNames);

    // Act
    const granted = grants(allPermissions()['resolve-incident']);

    // Assess: DescribeAlarms scoped to alarm ARNs (the alarm resource type
    // of the Service Authorization Reference), never `*`.
    expect(granted.get('cloudwatch:DescribeAlarms')).toEqual([
      `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${ALARM_PREFIX}-${FS_ID}-*`,
      `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${ALARM_PREFIX}-${OTHER_FS_ID}-*`,
      ...listed.map(
        (name) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
      ),
    ]);
    expect(listed.length).toBeGreaterThan(0);
    expect(granted.get('dynamodb:UpdateItem')).toEqual([TABLE_ARN]);
    expect([...granted.keys()].sort()).toEqual(
      ['cloudwatch:DescribeAlarms', ...INCIDENT_TABLE_ACTIONS].sort(),
    );
  });

  it('grants DescribeAlarms exactly to the functions whose handler reads alarms, for the call its adapter makes', () => {
    // Prepare
    const text = source('shared/adapters/aws-alarms.ts');

    // Act
    const calls = [...text.matchAll(/\b(Describe\w+)Command\b/g)].map(
      (m) => `cloudwatch:${m[1]}`,
    );
    const holders = Object.entries(allPermissions())
      .filter(([, statements]) =>
        grants(statements).has('cloudwatch:DescribeAlarms'),
      )
      .map(([name]) => name);

    const readers = [...LAMBDAS, ...ENTRY_FUNCTIONS].filter((name) =>
      /\balarmsPort\(/.test(source(`functions/${name}/handler.ts`)),
    );

    // Assess: OpenIncident (an idle incident's alarms), ResolveIncident
    // (the quiet-period check) and the preflight (its incident check).
    expect([...new Set(calls)]).toEqual(['cloudwatch:DescribeAlarms']);
    expect(source('shared/adapters/wiring/cloudwatch.ts')).toMatch(
      /function alarmsPort\([^)]*\)[^{]*\{[^}]*return createAlarmsPort\(/,
    );
    expect(holders.sort()).toEqual(readers.sort());
    expect(readers.sort()).toEqual([
      'open-incident',
      'preflight',
      'resolve-incident',
    ]);
    const permissions = allPermissions();
    for (const name of readers) {
      expect(
        grants(permissions[name]).get('cloudwatch:DescribeAlarms'),
        name,
      ).toEqual(
        grants(permissions['resolve-incident']).get(
          'cloudwatch:DescribeAlarms',
        ),
      );
    }
  });

  it('grants GetMetricWidgetImage exactly to the functions whose handler draws charts, on `*`', () => {
    // Prepare
    const text = source('shared/adapters/aws-cloudwatch.ts');

    // Act
    const calls = [...text.matchAll(/\b(GetMetricWidgetImage)Command\b/g)].map(
      (m) => `cloudwatch:${m[1]}`,
    );
    const holders = Object.entries(allPermissions())
      .filter(([, statements]) =>
        grants(statements).has('cloudwatch:GetMetricWidgetImage'),
      )
      .map(([name]) => name);
    const drawers = [...LAMBDAS, ...ENTRY_FUNCTIONS].filter((name) =>
      /\bchartPort\(/.test(source(`functions/${name}/handler.ts`)),
    );

    // Assess: GetMetricWidgetImage has no resource-level permissions
    // (Service Authorization Reference, Amazon CloudWatch).
    expect([...new Set(calls)]).toEqual(['cloudwatch:GetMetricWidgetImage']);
    expect(drawers).toEqual(['notify', 'advisor']);
    expect(holders.sort()).toEqual([...drawers].sort());
    expect(
      grants(allPermissions().notify).get('cloudwatch:GetMetricWidgetImage'),
    ).toEqual(['*']);
  });
});

describe('preflightPermissions', () => {
  it('lets the preflight read metrics, the incident table and the watched alarms, and nothing else', () => {
    // Prepare / Act
    const granted = grants(allPermissions().preflight);

    // Assess
    expect(Object.fromEntries(granted)).toEqual({
      'cloudwatch:GetMetricData': ['*'],
      'dynamodb:GetItem': [TABLE_ARN],
      'dynamodb:UpdateItem': [TABLE_ARN],
      'cloudwatch:DescribeAlarms': grants(
        allPermissions()['resolve-incident'],
      ).get('cloudwatch:DescribeAlarms'),
    });
    expect(granted.get('cloudwatch:DescribeAlarms')).not.toContain('*');
  });
});

describe('links and grants against the code', () => {
  it('links each function to exactly the SST resources its handler reads', () => {
    // Prepare
    const names = [...LAMBDAS, ...ENTRY_FUNCTIONS];

    // Act
    const used = Object.fromEntries(
      names.map((name) => {
        const text = wiredSource(name);
        const read = [...text.matchAll(/\bResource\.(\w+)/g)].map((m) => m[1]);
        return [name, [...new Set(read)].sort()];
      }),
    );

    // Assess
    const linked = Object.fromEntries(
      names.map((name) => [name, [...FUNCTION_LINKS[name]].sort()]),
    );
    expect(linked).toEqual(used);
  });

  it('grants the incident store exactly the DynamoDB calls it makes', () => {
    // Prepare
    const text = source('shared/adapters/dynamo-incident-store.ts');
    const imports = text.match(
      /import \{([^}]*)\} from '@aws-sdk\/lib-dynamodb'/,
    );

    // Act
    const commands = [
      ...(imports?.[1] ?? '').matchAll(/\b(\w+)Command\b/g),
    ].map((m) => `dynamodb:${m[1]}Item`);

    // Assess
    expect(commands.length).toBeGreaterThan(0);
    expect([...new Set(commands)].sort()).toEqual(
      [...INCIDENT_TABLE_ACTIONS].sort(),
    );
  });

  it('grants the Logs Insights adapter exactly the calls it makes', () => {
    // Prepare
    const text = source('shared/adapters/aws-logs-insights.ts');

    // Act
    const calls = [...text.matchAll(/new (\w+)Command\(/g)].map(
      (m) => `logs:${m[1]}`,
    );

    // Assess: every call granted; FilterLogEvents is granted as a
    // dependent action, not called.
    const granted = [
      ...LOGS_INSIGHTS_LOG_GROUP_ACTIONS,
      ...LOGS_INSIGHTS_STOP_ACTIONS,
    ].filter((a) => a !== 'logs:FilterLogEvents');
    expect([...new Set(calls)].sort()).toEqual(granted.sort());
  });

  it('grants the Slack endpoint exactly the task-token calls it makes', () => {
    // Prepare
    const text = wiredSource('slack-interactions');

    // Act
    const calls = [...text.matchAll(/\b(SendTask\w+)Command\b/g)].map(
      (m) => `states:${m[1]}`,
    );

    // Assess: every call granted, and nothing granted that is never
    // called (least privilege).
    expect(calls.length).toBeGreaterThan(0);
    expect([...new Set(calls)].sort()).toEqual(
      [...TASK_CALLBACK_ACTIONS].sort(),
    );
  });
});
