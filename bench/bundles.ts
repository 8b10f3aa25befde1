/**
 * Bundle size and init of every Lambda, built as `sst deploy` builds it
 * (infra/sst-build.ts, after SST's pkg/runtime/node/build.go) and
 * imported on Node 24 with the environment and resource.enc a deployed
 * function has. Init is the time the import takes: the module graph
 * evaluated, the handler module's top level (clients, schemas, config)
 * run. Each function is set, in the same run and sampled in turn, against
 * two others built the same way:
 * - its baseline, the same function at bench/baseline.ts's commit, built
 *   with that commit's options: the budget is 0.75 of its init;
 * - its anchor, Powertools Logger, middy and the same AWS SDK clients,
 *   nothing of ours: reported, the distance to the floor.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { FUNCTION_NAMES } from '../infra/functions.ts';
import {
  FUNCTION_LINKS,
  type FunctionName,
  type LinkName,
} from '../infra/iam.ts';
import { LAMBDA_NODEJS, type SstNodeProperties } from '../infra/sst-build.ts';
import {
  type BuiltFunction,
  buildEntryAsSst,
  buildFunctionAsSst,
  bundledSdkClients,
} from '../infra/sst-bundle.ts';
import {
  linkableLink,
  secretLink,
  writeSstResources,
} from '../test/support/sst-resources.ts';
import {
  baselineCommit,
  baselineTree,
  buildBaselineFunction,
} from './baseline.ts';
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

/** The init budget against the baseline (the function at BASELINE_COMMIT). */
export const INIT_RATIO_BUDGET = 0.75;

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

type Loadable = { file: string; dir: string; env: Record<string, string> };

/**
 * Median import times of several bundles, sampled in turn so a busy
 * moment of the shared machine falls on all of them alike.
 */
function medianImportMs<K extends string>(
  bundles: Record<K, Loadable>,
): Record<K, number> {
  const keys = Object.keys(bundles) as K[];
  const samples = new Map<K, number[]>(keys.map((k) => [k, []]));
  for (let i = 0; i < IMPORT_RUNS; i++) {
    for (const key of keys) {
      const b = bundles[key];
      samples.get(key)?.push(importMs(b.file, b.dir, b.env));
    }
  }
  return Object.fromEntries(
    keys.map((k) => [k, median(samples.get(k) ?? [])]),
  ) as Record<K, number>;
}

/**
 * The AWS SDK client packages a bundle uses, from esbuild's metafile:
 * imported by name when the SDK is external, or bundled from
 * node_modules when it is not.
 */
export function sdkClientPackages(metafile: Metafile): string[] {
  const found = new Set<string>(bundledSdkClients(metafile).keys());
  for (const output of Object.values(metafile.outputs)) {
    for (const i of output.imports) {
      const m = /^(@aws-sdk\/client-[a-z0-9-]+)$/.exec(i.path);
      if (i.external && m?.[1]) found.add(m[1]);
    }
  }
  return [...found].sort();
}

/** The package's client class: its one export named `<Service>Client`. */
async function clientClass(pkg: string): Promise<string> {
  const names = Object.keys(await import(pkg)).filter((k) =>
    /^[A-Z][A-Za-z0-9]*Client$/.test(k),
  );
  if (names.length !== 1) {
    throw new Error(`${pkg} exports ${names.length} client classes`);
  }
  return names[0] as string;
}

/**
 * The anchor's source: Logger, middy, and a client of every AWS SDK
 * package the function's bundle uses, built at module scope as a handler
 * builds them.
 */
async function anchorSource(name: string, metafile: Metafile) {
  const clients = await Promise.all(
    sdkClientPackages(metafile).map(async (pkg) => ({
      pkg,
      cls: await clientClass(pkg),
    })),
  );
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

/** A built function with resource.enc beside it and its environment. */
async function deployed(
  name: FunctionName,
  fn: BuiltFunction,
): Promise<Loadable> {
  const links = Object.fromEntries(
    FUNCTION_LINKS[name].map((link) => [link, LINKS[link]]),
  );
  const sst = await writeSstResources(fn.dir, links, {
    name: 'burstguard',
    stage: 'bench',
  });
  return { file: fn.file, dir: fn.dir, env: { ...LAMBDA_ENV, ...sst } };
}

function round(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

/**
 * The figures of the given functions (all of them by default), built
 * with the given SST `nodejs` properties (what sst.config.ts deploys by
 * default), the anchors with the same.
 */
export async function benchBundles(
  names: readonly FunctionName[] = FUNCTION_NAMES,
  properties: SstNodeProperties = LAMBDA_NODEJS,
): Promise<Figure[]> {
  // Inside the project, so the external AWS SDK resolves from its
  // node_modules as the runtime resolves its own copy.
  const dir = join(process.cwd(), '.burstguard', 'bench-bundles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'anchors'), { recursive: true });
  const commit = baselineCommit();
  const tree = baselineTree(commit);
  const figures: Figure[] = [];
  for (const name of names) {
    const fn = await buildFunctionAsSst(name, dir, properties);
    const current = await deployed(name, fn);

    const anchorEntry = join(dir, 'anchors', `${name}.ts`);
    writeFileSync(anchorEntry, await anchorSource(name, fn.metafile));
    const anchorDir = join(dir, 'anchors', name);
    const anchorFile = join(
      anchorDir,
      properties.format === 'cjs' ? 'index.cjs' : 'index.mjs',
    );
    await buildEntryAsSst(anchorEntry, anchorFile, properties);
    const anchor = { file: anchorFile, dir: anchorDir, env: current.env };

    const old = await buildBaselineFunction(tree, name, join(dir, 'baseline'));
    const baseline = old ? await deployed(name, old) : undefined;

    const ms = baseline
      ? medianImportMs({ fn: current, anchor, baseline })
      : { ...medianImportMs({ fn: current, anchor }), baseline: Number.NaN };
    const kb = statSync(fn.file).size / 1000;
    const node = process.versions.node;
    figures.push(
      {
        figure: `bundle size: ${name}`,
        value: round(kb, 1),
        unit: 'KB',
        // Reported, not what drives init; a cap against a bundle gone wrong.
        budget: '<= 1000 KB',
      },
      {
        figure: `init: ${name} (import, median of ${IMPORT_RUNS}, Node ${node})`,
        value: round(ms.fn, 1),
        unit: 'ms',
        budget: 'reported',
      },
    );
    if (baseline) {
      figures.push({
        figure: `init ratio: ${name} / baseline (${commit.slice(0, 7)}: ${round(ms.baseline, 1)} ms)`,
        value: round(ms.fn / ms.baseline, 2),
        unit: 'x',
        budget: `<= ${INIT_RATIO_BUDGET}`,
      });
    }
    figures.push({
      figure: `init ratio: ${name} / anchor (${round(ms.anchor, 1)} ms)`,
      value: round(ms.fn / ms.anchor, 2),
      unit: 'x',
      budget: 'reported',
    });
  }
  return figures;
}
