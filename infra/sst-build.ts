/**
 * How SST 4 bundles every Lambda, replicated so tests and `npm run bench`
 * load the bundle that deploys, and what sst.config.ts hands SST for it.
 *
 * Source: the sst repository, pkg/runtime/node/build.go as of commit
 * f62353239f0eb7b0172ebdaf5350fc24375985a2 (2024-10-22, "sst.aws.Function:
 * do not insert esm polyfill banner for cjs"), the last change to that file
 * before the v3 series this copy follows; node.go there defines
 * NodeProperties, the `nodejs` args that sst.aws.Function passes as build
 * properties (with `architecture`). It is not the source of the 4.17.1
 * release this project pins. That release was checked against it instead:
 * its platform (src/components/aws/function.ts) passes the `nodejs` args
 * unchanged, and its `sst` binary carries the preamble below as one string
 * and the same builder's other marks (the sst-version-check plugin, the
 * "loader info" log line, the version-mismatch message);
 * test/deploy/sst-build.test.ts fails when any of them is gone. The binary
 * embeds esbuild 0.27.2 (Go); this project builds with its own npm esbuild,
 * so the options match and the printer may differ in detail.
 */
import type { BuildOptions } from 'esbuild';

/**
 * The sst version this replica was checked against. A different installed
 * version fails test/deploy/sst-build.test.ts until build.go is read again.
 */
export const SST_CHECKED_VERSION = '4.17.1';

/** The Lambda runtime every function deploys on. */
export const LAMBDA_RUNTIME = 'nodejs24.x';

/** The instruction set every function deploys on. */
export const LAMBDA_ARCHITECTURE = 'arm64' as const;

/**
 * What build.go starts every ESM bundle with, before `nodejs.banner`:
 * `require`, `__filename` and `__dirname` for bundled CommonJS code. A
 * banner of ours must not declare any of these again (a second
 * `const require` fails the module at load with a SyntaxError).
 */
export const SST_ESM_PREAMBLE = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  'const require = topLevelCreateRequire(import.meta.url);',
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
  'const __filename = topLevelFileUrlToPath(import.meta.url)',
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
].join('\n');

/** build.go always marks these external (`forceExternal`). */
export const SST_FORCE_EXTERNAL = ['sharp', 'pg-native'] as const;

/**
 * The `nodejs` properties build.go reads. `esbuild` is decoded into Go's
 * esbuild.BuildOptions and only its `External` and `Target` are used;
 * `Target` is a numeric enum there, so a string such as "node24" does not
 * decode and the default, ESNext, applies. Other esbuild options (say
 * `legalComments`) are dropped, so none is offered here.
 */
export type SstNodeProperties = {
  format?: 'esm' | 'cjs';
  /**
   * A module, relative to the project root, whose default export is a
   * list of esbuild plugins. build.go adds it after its own
   * (`plugin(properties.Plugins)`); SST runs it in Node through its
   * platform's functions/nodejs-runtime/plugin.mjs (sst repo
   * pkg/runtime/node/plugin.go). The platform marks the option internal
   * in its docs (src/components/aws/function.ts, `nodejs.plugins`).
   */
  plugins?: string;
  minify?: boolean;
  sourcemap?: boolean;
  banner?: string;
  esbuild?: { external?: string[] };
};

/**
 * What build.go changes for `format: 'cjs'`: CommonJS output, ESNext
 * target, `nodejs.banner` alone as the banner (no ESM preamble: a
 * CommonJS module has `require`, `__filename` and `__dirname`), and only
 * the `main` field for packages without an `exports` map. The bundle is
 * `<handler>.cjs`, which Lambda's Node.js runtime loads with `require`.
 */
const SST_CJS = {
  format: 'cjs',
  mainFields: ['main'],
  extension: '.cjs',
} as const;

/**
 * What sst.config.ts passes as `nodejs` for every function: ESM, minified,
 * the AWS SDK bundled from node_modules, so each function runs the
 * versions package-lock.json pins rather than the runtime's, and Node
 * built-ins reached through `require` (infra/builtins-through-require.mjs),
 * since an ESM `import` of node:http loads undici at init. No banner: the
 * preamble already provides `require`.
 */
export const LAMBDA_NODEJS = {
  format: 'esm',
  minify: true,
  plugins: './infra/builtins-through-require.mjs',
} as const satisfies SstNodeProperties;

/**
 * esbuild options equal to those build.go sets for a deploy (not `sst dev`)
 * of a function, for the given properties, in either format. The
 * sst-version-check plugin is left out: it only refuses a mismatched `sst`
 * package.
 */
export function sstBuildOptions(input: {
  entryPoint: string;
  outfile: string;
  properties?: SstNodeProperties;
}): BuildOptions {
  const properties: SstNodeProperties = input.properties ?? LAMBDA_NODEJS;
  const cjs = properties.format === 'cjs';
  return {
    entryPoints: [input.entryPoint],
    outfile: input.outfile,
    platform: 'node',
    format: cjs ? SST_CJS.format : 'esm',
    target: 'esnext',
    bundle: true,
    keepNames: true,
    metafile: true,
    write: true,
    splitting: false,
    mainFields: cjs ? [...SST_CJS.mainFields] : ['module', 'main'],
    external: [...SST_FORCE_EXTERNAL, ...(properties.esbuild?.external ?? [])],
    banner: {
      js: cjs
        ? (properties.banner ?? '')
        : `${SST_ESM_PREAMBLE}\n${properties.banner ?? ''}`,
    },
    minifyWhitespace: properties.minify === true,
    minifySyntax: properties.minify === true,
    minifyIdentifiers: properties.minify === true,
    sourcemap: properties.sourcemap === true ? 'linked' : false,
    logLevel: 'silent',
  };
}

/**
 * Where SST puts a handler's bundle inside the function's artifact
 * directory: the handler's path with `.mjs`, or `.cjs` for the CommonJS
 * format (Lambda's working directory is that artifact's root).
 */
export function bundlePath(
  name: string,
  format: SstNodeProperties['format'] = 'esm',
): string {
  return `functions/${name}/handler${format === 'cjs' ? SST_CJS.extension : '.mjs'}`;
}
