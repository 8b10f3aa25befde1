/**
 * One synthesized alarm of the test configuration, for the tests that
 * evaluate alarms on numbers.
 */
import { createAlarms } from '../../infra/alarms.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';
import { ofType, synth, TYPE } from './pulumi-mocks.ts';

/** The inputs of FS_ID's alarm of a kind (`percent-io-limit-high`, …). */
export async function synthAlarmInputs(
  kind: string,
): Promise<Record<string, unknown>> {
  const { resources } = await synth(() =>
    createAlarms({
      prefix: 'burstguard-test',
      config: testConfig(),
      langfuseLogGroups: { [FS_ID]: ['/ecs/langfuse-worker'] },
    }),
  );
  const alarm = ofType(resources, TYPE.ALARM).find(
    (r) => r.inputs.name === `burstguard-test-${FS_ID}-${kind}`,
  );
  if (!alarm) throw new Error(`no alarm ${kind}`);
  return alarm.inputs;
}
