/**
 * `npm run synth -- --out FILE [--config FILE]`: writes what `sst deploy`
 * would create for a configuration as a JSON array of `{type, name, props}`,
 * one row per resource, IAM included. Offline: no AWS credentials, no SST
 * CLI. Without --config it reads burstguard.config.example.json.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDeployConfig } from '../infra/deploy-config.ts';
import { synthesize } from '../infra/synth.ts';
import { ConfigurationError } from '../shared/domain/errors.ts';

const USAGE = 'usage: npm run synth -- --out FILE [--config FILE]';

function fail(message: string): never {
  process.stderr.write(`synth: ${message}\n`);
  process.exit(2);
}

let values: { out?: string; config?: string };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string' },
      config: { type: 'string', default: 'burstguard.config.example.json' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(`${(error as Error).message.split('\n')[0]}; ${USAGE}`);
}
if (!values.out) fail(`--out FILE is required; ${USAGE}`);

let rows: Awaited<ReturnType<typeof synthesize>>;
try {
  rows = await synthesize(loadDeployConfig(values.config ?? ''));
} catch (error) {
  if (error instanceof ConfigurationError) fail(error.message);
  throw error;
}
try {
  writeFileSync(values.out, `${JSON.stringify(rows, null, 2)}\n`);
} catch (error) {
  fail(`cannot write ${values.out}: ${(error as Error).message}`);
}
process.stdout.write(`synth: ${rows.length} resources -> ${values.out}\n`);
