/**
 * Bundle size and import time of every Lambda, built with esbuild exactly as
 * deployed (functions/esbuild-options.ts), imported on Node 24.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS } from '../functions/esbuild-options.ts';
import { ENTRY_FUNCTIONS, LAMBDAS } from '../workflows/definition.ts';
import type { Figure } from './figures.ts';
import { median } from './figures.ts';

/** The environment a deployed function has: config and SST resources. */
export const LAMBDA_ENV: Record<string, string> = {
  BURSTGUARD_CONFIG: JSON.stringify({
    region: 'us-east-1',
    fileSystems: [
      {
        fileSystemId: 'fs-0123456789abcdef0',
        remediationAllowed: true,
        clickhouseUrl: 'http://127.0.0.1:8123',
      },
    ],
  }),
  SST_RESOURCE_App: JSON.stringify({ name: 'burstguard', stage: 'bench' }),
  SST_RESOURCE_SlackBotToken: JSON.stringify({
    type: 'sst.sst.Secret',
    value: 'xoxb-bench',
  }),
  SST_RESOURCE_SlackSigningSecret: JSON.stringify({
    type: 'sst.sst.Secret',
    value: 'bench',
  }),
  SST_RESOURCE_ClickHousePassword: JSON.stringify({
    type: 'sst.sst.Secret',
    value: 'bench',
  }),
  SST_RESOURCE_Incidents: JSON.stringify({
    type: 'sst.aws.Dynamo',
    name: 'burstguard-bench-incidents',
  }),
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const IMPORT_RUNS = 7;

/** Milliseconds to import a bundle in a fresh Node process. */
function importMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script],
    {
      env: { ...process.env, ...LAMBDA_ENV },
      encoding: 'utf8',
    },
  );
  return Number(out);
}

export async function benchBundles(): Promise<Figure[]> {
  // Inside the project, so the external AWS SDK resolves from its
  // node_modules as the runtime resolves its own copy.
  const dir = join(process.cwd(), '.burstguard', 'bench-bundles');
  mkdirSync(dir, { recursive: true });
  const figures: Figure[] = [];
  for (const name of [...LAMBDAS, ...ENTRY_FUNCTIONS]) {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      ...LAMBDA_ESBUILD_OPTIONS,
      external: [...LAMBDA_ESBUILD_OPTIONS.external],
      entryPoints: [`functions/${name}/handler.ts`],
      outfile,
      logLevel: 'error',
    });
    const kb = statSync(outfile).size / 1000;
    const times: number[] = [];
    for (let i = 0; i < IMPORT_RUNS; i++) times.push(importMs(outfile));
    figures.push(
      {
        figure: `bundle size: ${name}`,
        value: Math.round(kb * 10) / 10,
        unit: 'KB',
        budget: '<= 400 KB',
      },
      {
        figure: `import time: ${name} (median of ${IMPORT_RUNS}, Node ${process.versions.node})`,
        value: Math.round(median(times) * 10) / 10,
        unit: 'ms',
        budget: '<= 50 ms',
      },
    );
  }
  return figures;
}
