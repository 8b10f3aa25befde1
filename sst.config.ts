/// <reference path="./.sst/platform/config.d.ts" />

// burstguard on AWS: the runbook's Lambdas, its Step Functions state
// machine, the alarms that start it and the Slack endpoint. The raw
// resources live in infra/ so tests can build them with Pulumi mocks.
export default $config({
  async app(input) {
    const { configuredRegion, configFilePath } = await import(
      './infra/deploy-config.ts'
    );
    const region = configuredRegion(configFilePath(process.env));
    const production = ['prod', 'production'].includes(input?.stage ?? '');
    return {
      name: 'burstguard',
      home: 'aws',
      removal: production ? 'retain' : 'remove',
      protect: production,
      // Alarms and EventBridge rules are regional: deploy next to the file
      // systems. Without a config file (sst install, sst secret) the
      // provider's default region applies; run() then stops.
      ...(region ? { providers: { aws: { region } } } : {}),
    };
  },
  async run() {
    const {
      configFilePath,
      configEnvironment,
      loadDeployConfig,
      withInsightsLogGroups,
    } = await import('./infra/deploy-config.ts');
    const {
      FUNCTION_LINKS,
      preflightPermissions,
      slackInteractionsPermissions,
      stepFunctionPermissions,
    } = await import('./infra/iam.ts');
    const {
      componentName,
      functionHandler,
      FUNCTION_TIMEOUT_SECONDS,
      PREFLIGHT_SCHEDULE,
    } = await import('./infra/functions.ts');
    const { createStateMachine } = await import('./infra/state-machine.ts');
    const { createAlarms, withAlarmNames } = await import('./infra/alarms.ts');
    const { configuredAlarms, createAlarmRule } = await import(
      './infra/alarm-rule.ts'
    );
    const { LAMBDAS } = await import('./workflows/definition.ts');
    const { LAMBDA_ESBUILD_EXTERNAL, LAMBDA_ESBUILD_OPTIONS, LAMBDA_RUNTIME } =
      await import('./functions/esbuild-options.ts');

    // Configuration: burstguard.config.json, or BURSTGUARD_CONFIG_FILE.
    const { config, langfuseLogGroups } = loadDeployConfig(
      configFilePath(process.env),
    );
    const prefix = `${$app.name}-${$app.stage}`;
    const [identity, partition] = await Promise.all([
      aws.getCallerIdentity({}),
      aws.getPartition({}),
    ]);
    const account = {
      partition: partition.partition,
      region: config.region,
      accountId: identity.accountId,
    };

    // Alarms on EFS and on Langfuse's log lines, per file system. The
    // Lambdas' configuration names the Langfuse alarms, which carry no
    // FileSystemId dimension.
    const { alarms } = createAlarms({ prefix, config, langfuseLogGroups });
    // ... and the log groups the Langfuse collector queries with Logs
    // Insights for exact dropped-record counts.
    const runtimeConfig = withInsightsLogGroups(
      withAlarmNames(config, alarms),
      langfuseLogGroups,
    );

    // Incident store, one item per file system. Functions link its name
    // only: their IAM comes from infra/iam.ts, not Dynamo's dynamodb:*.
    const table = new sst.aws.Dynamo('IncidentTable', {
      fields: { fileSystemId: 'string' },
      primaryIndex: { hashKey: 'fileSystemId' },
    });

    // Secrets: `npx sst secret set <Name> <value> --stage <stage>`.
    const linkables = {
      SlackBotToken: new sst.Secret('SlackBotToken'),
      SlackSigningSecret: new sst.Secret('SlackSigningSecret'),
      ClickHousePassword: new sst.Secret('ClickHousePassword'),
      Incidents: new sst.Linkable('Incidents', {
        properties: { name: table.name },
      }),
    };

    // Lambdas: one per folder under functions/.
    const bundling = {
      format: 'esm' as const,
      minify: LAMBDA_ESBUILD_OPTIONS.minify,
      banner: LAMBDA_ESBUILD_OPTIONS.banner.js,
      esbuild: {
        external: [...LAMBDA_ESBUILD_EXTERNAL],
        target: LAMBDA_ESBUILD_OPTIONS.target,
        legalComments: LAMBDA_ESBUILD_OPTIONS.legalComments,
      },
    };
    const fn = (
      name: Parameters<typeof componentName>[0],
      permissions: { actions: string[]; resources: $util.Input<string>[] }[],
      extra: Partial<sst.aws.FunctionArgs> = {},
    ) =>
      new sst.aws.Function(componentName(name), {
        handler: functionHandler(name),
        runtime: LAMBDA_RUNTIME,
        architecture: 'arm64',
        timeout: `${FUNCTION_TIMEOUT_SECONDS} seconds`,
        environment: configEnvironment(runtimeConfig),
        link: FUNCTION_LINKS[name].map((link) => linkables[link]),
        permissions,
        nodejs: bundling,
        ...extra,
      });
    const stepPermissions = stepFunctionPermissions({
      config,
      account,
      incidentTableArn: table.arn,
      langfuseLogGroups,
    });
    const lambdaArns = Object.fromEntries(
      LAMBDAS.map((name) => [name, fn(name, stepPermissions[name]).arn]),
    ) as Record<(typeof LAMBDAS)[number], $util.Output<string>>;

    // State machine: the JSONPath ASL of workflows/definition.ts.
    const { stateMachine } = createStateMachine({
      prefix,
      lambdaArns,
      accountId: account.accountId,
    });

    // The EventBridge rule: this app's alarms, and those the configuration
    // lists, start the state machine.
    createAlarmRule({
      prefix,
      alarms: [
        ...alarms.map((a) => ({ name: a.name, arn: a.alarm.arn })),
        ...configuredAlarms(
          config,
          account,
          alarms.map((a) => a.name),
        ),
      ],
      stateMachineArn: stateMachine.arn,
      accountId: account.accountId,
    });

    // Slack interactivity: the approval buttons answer the task token.
    // Slack signs its requests; the handler checks that before anything.
    const slackInteractions = fn(
      'slack-interactions',
      slackInteractionsPermissions({
        incidentTableArn: table.arn,
        stateMachineArn: stateMachine.arn,
      }),
      { url: true },
    );

    // Preflight: forecasts burst credits and warns before an incident.
    new sst.aws.Cron('PreflightSchedule', {
      schedule: PREFLIGHT_SCHEDULE,
      function: fn('preflight', preflightPermissions()).arn,
    });

    return {
      stateMachineArn: stateMachine.arn,
      incidentTable: table.name,
      slackInteractionsUrl: slackInteractions.url,
    };
  },
});
