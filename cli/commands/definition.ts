/** `burstguard definition`: the state machine's ASL, placeholder ARNs. */
import {
  buildDefinition,
  placeholderArns,
} from '../../workflows/definition.ts';
import { defineCommand, stringFlag } from '../flags.ts';

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_ACCOUNT = '123456789012';

/** `burstguard definition`. */
export const definitionCommand = defineCommand(
  {
    name: 'definition',
    summary:
      "prints the state machine's ASL (JSONPath) with placeholder Lambda ARNs, for reading or Workflow Studio",
    flags: {
      region: {
        type: 'string',
        value: 'R',
        help: `the region in the placeholder ARNs (default ${DEFAULT_REGION})`,
      },
      account: {
        type: 'string',
        value: 'N',
        help: `the account id in the placeholder ARNs (default ${DEFAULT_ACCOUNT})`,
      },
    },
  },
  async ({ values }, io) => {
    const definition = buildDefinition(
      placeholderArns(
        stringFlag(values, 'region') ?? DEFAULT_REGION,
        stringFlag(values, 'account') ?? DEFAULT_ACCOUNT,
      ),
    );
    io.out(`${JSON.stringify(definition, null, 2)}\n`);
    return 0;
  },
);
