/// <reference path="./.sst/platform/config.d.ts" />

// burstguard on AWS: the runbook's Lambdas, its Step Functions state
// machine, the alarms that start it and the Slack endpoint, all built by
// infra/app.ts from the modules of infra/ (so tests can build the raw
// resources with Pulumi mocks). SST's components exist only here, as
// globals, so they are handed in.
export default $config({
  async app(input) {
    const { appSettings } = await import('./infra/deploy-config.ts');
    return appSettings(input?.stage, process.env);
  },
  async run() {
    const { deployRunbook } = await import('./infra/app.ts');
    return deployRunbook({
      app: { name: $app.name, stage: $app.stage },
      env: process.env,
      sst: {
        dynamo: (name, args) => new sst.aws.Dynamo(name, args),
        secret: (name, placeholder) => new sst.Secret(name, placeholder),
        linkable: (name, args) => new sst.Linkable(name, args),
        fn: (name, args) => new sst.aws.Function(name, args),
        cron: (name, args) => new sst.aws.Cron(name, args),
      },
    });
  },
});
