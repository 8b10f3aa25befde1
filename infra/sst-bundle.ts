/**
 * Builds a function's bundle the way `sst deploy` does (functions/
 * sst-build.ts), for the deploy tests and `npm run bench`. Kept apart from
 * sst-build.ts so sst.config.ts does not load esbuild.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  bundlePath,
  LAMBDA_NODEJS,
  type SstNodeProperties,
  sstBuildOptions,
} from './sst-build.ts';

export type BuiltFunction = {
  /** The artifact's root: Lambda's working directory, /var/task. */
  dir: string;
  /** The bundle SST writes, `<dir>/functions/<name>/handler.mjs`. */
  file: string;
};

/**
 * Bundles `functions/<name>/handler.ts` into `<outDir>/<name>/` as SST
 * lays out the artifact. Build errors reject with esbuild's messages.
 */
export async function buildFunctionAsSst(
  name: string,
  outDir: string,
  properties: SstNodeProperties = LAMBDA_NODEJS,
): Promise<BuiltFunction> {
  const dir = join(outDir, name);
  const file = join(dir, bundlePath(name));
  await buildEntryAsSst(`functions/${name}/handler.ts`, file, properties);
  return { dir, file };
}

/** Bundles any entry point with SST's options, into `outfile`. */
export async function buildEntryAsSst(
  entryPoint: string,
  outfile: string,
  properties: SstNodeProperties = LAMBDA_NODEJS,
): Promise<void> {
  await build(sstBuildOptions({ entryPoint, outfile, properties }));
}
