/**
 * Every function built with the AWS SDK bundled (infra/sst-build.ts
 * LAMBDA_NODEJS, through SST's options as
 * infra/sst-bundle.ts replicates them) carries the SDK versions
 * package-lock.json pins, not whatever the Lambda runtime ships: no
 * `@aws-sdk/*` import is left for the runtime to resolve, and each client
 * package in the bundle is inlined with its own package.json, whose
 * `name` and `version` the client puts in its user agent (the SDK's
 * dist-es runtimeConfig imports `../package.json`:
 * aws/aws-sdk-js-v3 clients/client-efs/src/runtimeConfig.ts).
 *
 * And Node built-ins are reached through `require`, never an ESM
 * `import` (in ESM, `import … from "node:http"` loads undici at init:
 * nodejs/node#57649); a bundle keeps only the schemas its function
 * reads, and a function that needs no crypto loads none.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/functions.ts';
import { LAMBDA_NODEJS } from '../../infra/sst-build.ts';
import {
  buildFunctionAsSst,
  bundledSdkClients,
} from '../../infra/sst-bundle.ts';
import { FS_ID, singleMetricAlarm } from '../fixtures/alarm-events.ts';
import { invokeBundle } from '../support/lambda-runtime.ts';

type LockFile = { packages: Record<string, { version?: string }> };

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as LockFile;

/** The lock file's version of a package installed at `node_modules/<dir>`. */
function lockedVersion(installedAt: string): string | undefined {
  return lock.packages[installedAt]?.version;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

let outDir: string;
const built = new Map<string, { file: string; metafile: Metafile }>();

beforeAll(async () => {
  const parent = join(process.cwd(), '.burstguard');
  mkdirSync(parent, { recursive: true });
  outDir = await mkdtemp(join(parent, 'sdk-bundled-'));
  for (const name of FUNCTION_NAMES) {
    const fn = await buildFunctionAsSst(name, outDir, LAMBDA_NODEJS);
    built.set(name, fn);
  }
}, 300_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('bundles built with the AWS SDK bundled', () => {
  it('leave no @aws-sdk import to the runtime', () => {
    const external = [...built].flatMap(([name, fn]) =>
      Object.values(fn.metafile.outputs).flatMap((o) =>
        o.imports
          .filter((i) => i.external && i.path.startsWith('@aws-sdk/'))
          .map((i) => `${name}: ${i.path}`),
      ),
    );

    expect(external).toEqual([]);
  });

  it('inline the EFS client in collect-efs and DynamoDB in open-incident', () => {
    const clients = (name: string) => {
      const fn = built.get(name);
      return fn ? [...bundledSdkClients(fn.metafile).keys()] : [];
    };

    expect(clients('collect-efs')).toContain('@aws-sdk/client-efs');
    expect(clients('open-incident')).toContain('@aws-sdk/client-dynamodb');
  });

  it('carry each client at the version package-lock.json pins', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const [name, fn] of built) {
      const text = readFileSync(fn.file, 'utf8');
      for (const [pkg, installedAt] of bundledSdkClients(fn.metafile)) {
        const version = lockedVersion(installedAt);
        checked++;
        // The client's package.json, inlined and minified.
        const mark = `{name:${JSON.stringify(pkg)},version:${JSON.stringify(version)}`;
        if (!version || !text.includes(mark)) {
          wrong.push(`${name}: ${pkg} (lock ${version ?? 'missing'})`);
        }
      }
    }

    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('reach Node built-ins through require only', () => {
    const imported = [...built].flatMap(([name, fn]) =>
      Object.values(fn.metafile.outputs).flatMap((o) =>
        o.imports
          .filter(
            (i) =>
              (i.kind === 'import-statement' || i.kind === 'dynamic-import') &&
              BUILTINS.has(i.path),
          )
          .map((i) => `${name}: ${i.path}`),
      ),
    );

    expect(imported).toEqual([]);
  });
});

/** Bytes of one source file in a bundle's output, from esbuild's metafile. */
function bytesOf(fn: { metafile: Metafile }, suffix: string): number {
  return Object.values(fn.metafile.outputs)
    .flatMap((o) => Object.entries(o.inputs))
    .filter(([input]) => input.endsWith(suffix))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
}

/** What Normalize needs to load and run: its configuration, no links. */
function normalizeEnv(more: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    BURSTGUARD_CONFIG: JSON.stringify({
      region: 'us-east-1',
      fileSystems: [{ fileSystemId: FS_ID }],
    }),
    ...more,
  };
}

describe('what a bundle carries of the code it imports', () => {
  const fn = (name: string) => {
    const found = built.get(name);
    if (!found) throw new Error(`${name} was not built`);
    return found;
  };

  it('keeps only the schemas its function reads (each one `/* @__PURE__ */ schema(…)`)', () => {
    // Normalize reads the alarm and manual-input contracts; Notify reads
    // every state up to the notification.
    const normalize = bytesOf(fn('normalize'), 'shared/domain/contracts.ts');
    const notify = bytesOf(fn('notify'), 'shared/domain/contracts.ts');

    expect(normalize).toBeGreaterThan(0);
    expect(normalize).toBeLessThan(notify / 4);
  });

  it("carries zod's mini API and none of the classic one", () => {
    const classic = [...built].flatMap(([name, fn]) =>
      Object.keys(fn.metafile.inputs)
        .filter((input) => /node_modules\/zod\/v4\/classic\//.test(input))
        .map((input) => `${name}: ${input.slice(input.indexOf('zod/'))}`),
    );

    expect(classic).toEqual([]);
    expect(bytesOf(fn('normalize'), 'zod/v4/mini/schemas.js')).toBeGreaterThan(
      0,
    );
  });

  it("defers Powertools Logger's node:crypto, and loads none at init where nothing else needs it", async () => {
    const normalize = fn('normalize');
    const inputs = Object.keys(normalize.metafile.inputs);

    expect(inputs).toContain('builtin-through-require:deferred:node:crypto');
    expect(inputs).not.toContain('builtin-through-require:node:crypto');

    // Node's own list of the internal modules it has loaded.
    const script = `await import(${JSON.stringify(pathToFileURL(normalize.file).href)}); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (crypto|zlib|internal\\/crypto\\/)/.test(m))));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: normalizeEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }),
      }),
    ) as string[];

    expect(loaded).toEqual([]);
  });

  it('still samples debug logs through the deferred randomInt when a sample rate is set', async () => {
    const normalize = fn('normalize');
    const outcome = await invokeBundle({
      file: normalize.file,
      cwd: join(normalize.file, '..', '..', '..'),
      // Powertools Logger: sample every invocation at debug level.
      env: normalizeEnv({ POWERTOOLS_LOGGER_SAMPLE_RATE: '1' }),
      event: singleMetricAlarm(),
      functionName: 'normalize',
    });

    expect(outcome.ok).toBe(true);
    expect(outcome.output).toContain('"sampling_rate":1');
  });
});
