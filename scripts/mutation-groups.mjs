/**
 * The file groups of the mutation run (stryker.config.mjs,
 * scripts/mutation.mjs): each group's core files and the unit tests that
 * exercise them.
 */

/** @type {Record<string, { mutate: string[], testFiles: string[] }>} */
export const groups = {
  gate: {
    mutate: [
      'functions/diagnose/core.ts',
      'shared/domain/policy.ts',
      'shared/domain/remediations.ts',
      'functions/remediate/core.ts',
      'functions/verify/core.ts',
      'functions/normalize/core.ts',
    ],
    testFiles: [
      'test/functions/diagnose.test.ts',
      'test/functions/decide*.test.ts',
      'test/functions/policy.test.ts',
      'test/functions/remediate*.test.ts',
      'test/functions/remediation-gate.test.ts',
      'test/functions/verify*.test.ts',
      'test/functions/normalize*.test.ts',
      'test/diagnosis/efs-rules.test.ts',
    ],
  },
  slack: {
    mutate: [
      'shared/domain/slack/signature.ts',
      'functions/slack-interactions/core.ts',
    ],
    testFiles: [
      'test/slack/*.test.ts',
      'test/functions/slack-interactions.test.ts',
    ],
  },
  workflow: {
    mutate: ['workflows/definition.ts', 'shared/domain/aws-partition.ts'],
    testFiles: [
      'test/workflows/definition*.test.ts',
      'test/workflows/partition.test.ts',
      'test/workflows/local-runner.test.ts',
      'test/infra/state-machine.test.ts',
    ],
  },
  recovery: {
    mutate: [
      'shared/domain/recovery/keys.ts',
      'shared/domain/recovery/after-switch.ts',
      'workflows/recovery.ts',
    ],
    testFiles: [
      'test/recovery/*.test.ts',
      'test/workflows/recovery-definition.test.ts',
    ],
  },
  alarms: {
    mutate: ['infra/alarms.ts'],
    testFiles: ['test/infra/alarm*.test.ts'],
  },
  diagnosis: {
    mutate: [
      'shared/domain/diagnosis/*.ts',
      'shared/domain/verdicts.ts',
      'shared/domain/pricing.ts',
      'shared/domain/efs-rules.ts',
    ],
    testFiles: [
      'test/diagnosis/*.test.ts',
      'test/shared/pricing*.test.ts',
      'test/functions/diagnose.test.ts',
      'test/functions/verify*.test.ts',
    ],
  },
};
