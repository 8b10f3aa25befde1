/**
 * Bundle size and import time of every Lambda, built as `sst deploy`
 * builds it (infra/sst-build.ts, after SST's pkg/runtime/node/build.go)
 * and imported on Node 24 with the environment and resource.enc a deployed
 * function has. Each is set against an anchor built the same way in the
 * same run: Powertools Logger, middy and the same AWS SDK clients, nothing
 * of ours, so the ratio says what our own code adds to a cold start.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  FUNCTION_LINKS,
  type FunctionName,
  type LinkName,
} from '../infra/iam.ts';
import { buildEntryAsSst, buildFunctionAsSst } from '../infra/sst-bundle.ts';
import {
  linkableLink,
  secretLink,
  writeSstResources,
} from '../test/support/sst-resources.ts';
import { ENTRY_FUNCTIONS, LAMBDAS } from '../workflows/definition.ts';
import type { Figure } from './figures.ts';
import { median } from './figures.ts';

/** The environment a deployed function has, less SST's link variables. */
export const LAMBDA_ENV: Record<string, string> = {
  BURSTGUARD_CONFIG: JSON.stringify({
    region: 'us-east-1',
    // A loopback ClickHouse, plain http: development only.
    allowInsecureClickhouseHttp: true,
    fileSystems: [
      {
        fileSystemId: 'fs-0123456789abcdef0',
        remediationAllowed: true,
        clickhouseUrl: 'http://127.0.0.1:8123',
      },
    ],
  }),
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const LINKS = {
  SlackBotToken: secretLink('xoxb-bench'),
  SlackSigningSecret: secretLink('bench'),
  ClickHousePassword: secretLink('bench'),
  ClickHouseCredentials: secretLink(''),
  ClickHouseCaCertificate: secretLink(''),
  // No pager: the bench invokes no escalation.
  PagerWebhookUrl: secretLink(''),
  Incidents: linkableLink({ name: 'burstguard-bench-incidents' }),
} satisfies Record<LinkName, unknown>;

const IMPORT_RUNS = 7;

/** Milliseconds to import a bundle in a fresh Node process. */
function importMs(file: string, cwd: string, env: Record<string, string>) {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script],
    { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  );
  return Number(out);
}

/**
 * Median import times of a bundle and its anchor, sampled in turn so a
 * busy moment of the shared machine falls on both alike.
 */
function medianImportMs(
  files: { fn: string; anchor: string },
  cwd: string,
  env: Record<string, string>,
): { fn: number; anchor: number } {
  const fn: number[] = [];
  const anchor: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    fn.push(importMs(files.fn, cwd, env));
    anchor.push(importMs(files.anchor, cwd, env));
  }
  return { fn: median(fn), anchor: median(anchor) };
}

/**
 * The anchor's source: Logger, middy, and a client of every AWS SDK
 * package the function's bundle imports (the SDK stays external, so the
 * bundle names each package), built at module scope as a handler builds
 * them.
 */
function anchorSource(name: FunctionName, bundle: string): string {
  const imported = new Map<string, string>();
  for (const m of readFileSync(bundle, 'utf8').matchAll(
    /import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/client-[a-z-]+)"/g,
  )) {
    const cls = (m[1] as string)
      .split(',')
      .map((s) => (s.trim().split(/\s+as\s+/)[0] ?? '').trim())
      .find((s) => s.endsWith('Client'));
    if (cls) imported.set(m[2] as string, cls);
  }
  const clients = [...imported].map(([pkg, cls]) => ({ pkg, cls }));
  return [
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
    "import middy from '@middy/core';",
    ...clients.map((c) => `import { ${c.cls} } from '${c.pkg}';`),
    `const logger = new Logger({ serviceName: '${name}' });`,
    `const clients = [${clients.map((c) => `new ${c.cls}({ region: process.env.AWS_REGION })`).join(', ')}];`,
    'export const handler = middy()',
    '  .use(injectLambdaContext(logger))',
    '  .handler(async () => clients.length);',
    '',
  ].join('\n');
}

export async function benchBundles(): Promise<Figure[]> {
  // Inside the project, so the external AWS SDK resolves from its
  // node_modules as the runtime resolves its own copy.
  const dir = join(process.cwd(), '.burstguard', 'bench-bundles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'anchors'), { recursive: true });
  const figures: Figure[] = [];
  const names: FunctionName[] = [...LAMBDAS, ...ENTRY_FUNCTIONS];
  for (const name of names) {
    const fn = await buildFunctionAsSst(name, dir);
    const links = Object.fromEntries(
      FUNCTION_LINKS[name].map((link) => [link, LINKS[link]]),
    );
    const sst = await writeSstResources(fn.dir, links, {
      name: 'burstguard',
      stage: 'bench',
    });
    const env = { ...LAMBDA_ENV, ...sst };

    const anchorEntry = join(dir, 'anchors', `${name}.ts`);
    writeFileSync(anchorEntry, anchorSource(name, fn.file));
    const anchorFile = join(dir, 'anchors', name, 'index.mjs');
    await buildEntryAsSst(anchorEntry, anchorFile);

    const kb = statSync(fn.file).size / 1000;
    const { fn: ms, anchor: anchorMs } = medianImportMs(
      { fn: fn.file, anchor: anchorFile },
      fn.dir,
      env,
    );
    figures.push(
      {
        figure: `bundle size: ${name}`,
        value: Math.round(kb * 10) / 10,
        unit: 'KB',
        budget: '<= 400 KB',
      },
      {
        figure: `import time: ${name} (median of ${IMPORT_RUNS}, Node ${process.versions.node})`,
        value: Math.round(ms * 10) / 10,
        unit: 'ms',
        budget: '<= 50 ms',
      },
      {
        figure: `import time against anchor: ${name} (${Math.round(anchorMs * 10) / 10} ms)`,
        value: Math.round((ms / anchorMs) * 100) / 100,
        unit: 'x',
        budget: '<= 1.15',
      },
    );
  }
  return figures;
}
