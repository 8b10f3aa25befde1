/** `burstguard definition`: the state machine's ASL, placeholder ARNs. */
import {
  buildDefinition,
  placeholderArns,
} from '../../workflows/definition.ts';
import { type Io, parseFlags } from '../output.ts';

export async function definitionCommand(
  args: string[],
  io: Io,
): Promise<number> {
  const { values } = parseFlags(args, {
    region: { type: 'string', default: 'us-east-1' },
    account: { type: 'string', default: '123456789012' },
  });
  const definition = buildDefinition(
    placeholderArns(String(values.region), String(values.account)),
  );
  io.out(`${JSON.stringify(definition, null, 2)}\n`);
  return 0;
}
