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
      clickhousePorts,
      configFilePath,
      configEnvironment,
      loadDeployConfig,
      withInsightsLogGroups,
    } = await import('./infra/deploy-config.ts');
    const { functionTable, PREFLIGHT_SCHEDULE, SECRETS, sstFunctionArgs } =
      await import('./infra/functions.ts');
    const { collectorNetwork } = await import('./infra/network.ts');
    const { createStateMachine, stateMachineArn } = await import(
      './infra/state-machine.ts'
    );
    const { createAlarms, withAlarmNames } = await import('./infra/alarms.ts');
    const { createAlarmRule, ruleAlarms } = await import(
      './infra/alarm-rule.ts'
    );
    const { LAMBDAS } = await import('./workflows/definition.ts');
    const { LAMBDA_NODEJS, LAMBDA_RUNTIME } = await import(
      './infra/sst-build.ts'
    );

    // Configuration: burstguard.config.json, or BURSTGUARD_CONFIG_FILE.
    const { config, langfuseLogGroups, clickhouseNetwork } = loadDeployConfig(
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

    // Secrets: `npx sst secret set <Name> <value> --stage <stage>`; those
    // with a placeholder may stay unset.
    const secret = (name: keyof typeof SECRETS) =>
      new sst.Secret(name, SECRETS[name]);
    const linkables = {
      SlackBotToken: secret('SlackBotToken'),
      SlackSigningSecret: secret('SlackSigningSecret'),
      ClickHousePassword: secret('ClickHousePassword'),
      ClickHouseCaCertificate: secret('ClickHouseCaCertificate'),
      Incidents: new sst.Linkable('Incidents', {
        properties: { name: table.name },
      }),
    };

    // The ClickHouse collector's subnets and security group (created when
    // the configuration names a VPC instead of security groups).
    const network = collectorNetwork({
      prefix,
      network: clickhouseNetwork,
      ports: clickhousePorts(config),
    });

    // Lambdas: one per folder under functions/. SST bundles each with the
    // options infra/sst-build.ts replicates; only what SST reads is
    // passed (test/deploy/bundles.test.ts builds and runs them that way).
    const bundling = {
      format: LAMBDA_NODEJS.format,
      minify: LAMBDA_NODEJS.minify,
      esbuild: { external: [...LAMBDA_NODEJS.esbuild.external] },
    };
    // One sst.aws.Function per row of the function table (infra/functions.ts).
    // The Slack endpoint's grant names the state machine by its ARN, which
    // the Lambdas' ARNs must exist to create.
    const functions = functionTable({
      config,
      account,
      incidentTableArn: table.arn,
      alarmPrefix: prefix,
      stateMachineArn: stateMachineArn(account, prefix),
      ...(network ? { clickhouseVpc: network.vpc } : {}),
      langfuseLogGroups,
    });
    const fn = (name: keyof typeof functions) =>
      new sst.aws.Function(
        functions[name].component,
        sstFunctionArgs(functions[name], {
          runtime: LAMBDA_RUNTIME,
          environment: configEnvironment(runtimeConfig),
          linkables,
          nodejs: bundling,
        }),
      );
    const lambdaArns = Object.fromEntries(
      LAMBDAS.map((name) => [name, fn(name).arn]),
    ) as Record<(typeof LAMBDAS)[number], $util.Output<string>>;

    // State machine: the JSONPath ASL of workflows/definition.ts.
    const { stateMachine } = createStateMachine({
      prefix,
      lambdaArns,
      accountId: account.accountId,
      partition: account.partition,
    });

    // The EventBridge rule: this app's alarms, and those the configuration
    // lists, start the state machine.
    createAlarmRule({
      prefix,
      alarms: ruleAlarms(config, account, alarms),
      stateMachineArn: stateMachine.arn,
      accountId: account.accountId,
    });

    // Slack interactivity: the approval buttons answer the task token.
    // Slack signs its requests; the handler checks that before anything.
    const slackInteractions = fn('slack-interactions');

    // Preflight: forecasts burst credits and warns before an incident.
    new sst.aws.Cron('PreflightSchedule', {
      schedule: PREFLIGHT_SCHEDULE,
      function: fn('preflight').arn,
    });

    return {
      stateMachineArn: stateMachine.arn,
      incidentTable: table.name,
      slackInteractionsUrl: slackInteractions.url,
    };
  },
});
