/**
 * The SST build replica (infra/sst-build.ts) against the installed
 * SST: the `sst` binary still carries the preamble replicated, the
 * version is the one checked, sst.config.ts passes only what SST reads,
 * and the harness that loads the bundles catches the banner that once
 * broke every function.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAMBDA_NODEJS,
  SST_CHECKED_VERSION,
  SST_ESM_PREAMBLE,
} from '../../infra/sst-build.ts';
import { buildFunctionAsSst } from '../../infra/sst-bundle.ts';
import { FS_ID, singleMetricAlarm } from '../fixtures/alarm-events.ts';
import { invokeBundle } from '../support/lambda-runtime.ts';

const require = createRequire(import.meta.url);

/**
 * The banner sst.config.ts used to pass as `nodejs.banner`. After SST's
 * preamble it declares `require` a second time.
 */
const OLD_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** The platform binary the `sst` package runs (its bin/sst.mjs). */
function sstBinaryPath(): string {
  const name = `sst-${process.platform}-${process.arch}`;
  const binary = process.platform === 'win32' ? 'sst.exe' : 'sst';
  return require.resolve(join(name, 'bin', binary));
}

let binary: Buffer | undefined;

/** The binary's bytes, read once. */
function sstBinary(): Buffer {
  binary ??= readFileSync(sstBinaryPath());
  return binary;
}

describe('the installed sst', () => {
  it('is the version the build replica was checked against', () => {
    const versionOf = (path: string) =>
      (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    const version = versionOf(join('node_modules', 'sst', 'package.json'));
    const binaryVersion = versionOf(
      join(dirname(sstBinaryPath()), '..', 'package.json'),
    );

    expect(binaryVersion).toBe(version);
    expect(
      version,
      `sst ${version} is installed: read pkg/runtime/node/build.go for it, update infra/sst-build.ts, then SST_CHECKED_VERSION`,
    ).toBe(SST_CHECKED_VERSION);
  });

  it('carries the replicated ESM preamble in its binary, as one string', () => {
    // About 75 MB: one Buffer.indexOf, no string conversion of the whole.
    const at = sstBinary().indexOf(Buffer.from(SST_ESM_PREAMBLE, 'utf8'));

    expect(
      at,
      'the sst binary no longer contains the preamble of infra/sst-build.ts',
    ).toBeGreaterThan(-1);
  });

  it.each([
    // build.go's esbuild plugin that refuses a mismatched sst package, its
    // log line for the loaders, and that plugin's message.
    'sst-version-check',
    'loader info',
    'The sst package your application is importing (%v) does not match the sst cli version (%v).',
  ])('carries the same builder as build.go: %s', (mark) => {
    expect(sstBinary().indexOf(Buffer.from(mark, 'utf8'))).toBeGreaterThan(-1);
  });

  it('still names resource.enc, the file the deploy test writes links to', () => {
    expect(sstBinary().indexOf(Buffer.from('resource.enc'))).toBeGreaterThan(
      -1,
    );
  });
});

describe('what sst.config.ts passes as nodejs (through infra/app.ts)', () => {
  it('holds only properties build.go reads', () => {
    // NodeProperties (node.go) and the esbuild fields build.go copies.
    const read = [
      'format',
      'minify',
      'sourcemap',
      'banner',
      'esbuild',
      'plugins',
    ];

    expect(Object.keys(LAMBDA_NODEJS).every((k) => read.includes(k))).toBe(
      true,
    );
    expect(existsSync(LAMBDA_NODEJS.plugins)).toBe(true);
  });

  it('is what sst.config.ts hands every function, and nothing beside it', () => {
    // infra/app.ts builds each function's arguments; sst.config.ts hands
    // them to sst.aws.Function unchanged (test/infra/function-table.test.ts).
    const source = readFileSync('infra/app.ts', 'utf8');
    const bundling = /const bundling = \{([\s\S]*?)\n {2}\};/.exec(source)?.[1];

    expect(bundling).toBeDefined();
    expect(bundling).toMatch(/format: LAMBDA_NODEJS\.format/);
    expect(bundling).toMatch(/minify: LAMBDA_NODEJS\.minify/);
    expect(bundling).toMatch(/plugins: LAMBDA_NODEJS\.plugins/);
    // The AWS SDK is bundled, at package-lock.json's versions
    // (test/deploy/sdk-versions.test.ts), not left to the runtime.
    expect(bundling).not.toContain('external');
    for (const dropped of ['banner', 'target', 'legalComments']) {
      expect(bundling).not.toContain(dropped);
    }
    expect(source).toMatch(/nodejs: bundling,/);
  });
});

describe('the deploy harness', () => {
  let outDir: string;

  beforeAll(async () => {
    const parent = join(process.cwd(), '.burstguard');
    mkdirSync(parent, { recursive: true });
    outDir = await mkdtemp(join(parent, 'old-banner-'));
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    BURSTGUARD_CONFIG: JSON.stringify({
      region: 'us-east-1',
      fileSystems: [{ fileSystemId: FS_ID }],
    }),
  };

  /** Invokes a Normalize bundle on an alarm, as Lambda would. */
  const invokeNormalize = (fn: { file: string; dir: string }) =>
    invokeBundle({
      file: fn.file,
      cwd: fn.dir,
      env,
      event: singleMetricAlarm(),
      functionName: 'normalize',
    });

  it('fails to load a bundle built with the old banner', async () => {
    const fn = await buildFunctionAsSst('normalize', join(outDir, 'old'), {
      ...LAMBDA_NODEJS,
      banner: OLD_BANNER,
    });

    const outcome = await invokeNormalize(fn);

    expect(outcome).toMatchObject({
      ok: false,
      phase: 'load',
      errorType: 'SyntaxError',
      errorMessage: "Identifier 'require' has already been declared",
    });
  });

  it('loads and runs the same handler built without it', async () => {
    const fn = await buildFunctionAsSst('normalize', join(outDir, 'new'));

    const outcome = await invokeNormalize(fn);

    expect(outcome).toMatchObject({
      ok: true,
      result: { kind: 'alarm', fileSystemId: FS_ID },
    });
  });
});
