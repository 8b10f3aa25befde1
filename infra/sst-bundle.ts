/**
 * Builds a function's bundle the way `sst deploy` does (functions/
 * sst-build.ts), for the deploy tests and `npm run bench`. Kept apart from
 * sst-build.ts so sst.config.ts does not load esbuild.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import {
  bundlePath,
  LAMBDA_NODEJS,
  type SstNodeProperties,
  sstBuildOptions,
} from './sst-build.ts';

export type BuiltFunction = {
  /** The artifact's root: Lambda's working directory, /var/task. */
  dir: string;
  /** The bundle SST writes, `<dir>/functions/<name>/handler.mjs` (`.cjs`). */
  file: string;
  /** esbuild's account of the bundle: its inputs and external imports. */
  metafile: Metafile;
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
  const file = join(dir, bundlePath(name, properties.format));
  const metafile = await buildEntryAsSst(
    `functions/${name}/handler.ts`,
    file,
    properties,
  );
  return { dir, file, metafile };
}

/**
 * Bundles any entry point with SST's options, into `outfile`; returns
 * esbuild's metafile (SST's options always ask for one).
 */
export async function buildEntryAsSst(
  entryPoint: string,
  outfile: string,
  properties: SstNodeProperties = LAMBDA_NODEJS,
): Promise<Metafile> {
  const options = sstBuildOptions({ entryPoint, outfile, properties });
  if (properties.plugins) {
    // As build.go: SST's own plugins first, then the project's.
    const module = (await import(
      pathToFileURL(resolve(properties.plugins)).href
    )) as { default: Plugin[] };
    options.plugins = [...(options.plugins ?? []), ...module.default];
  }
  const result = await build(options);
  if (!result.metafile)
    throw new Error(`esbuild wrote no metafile for ${entryPoint}`);
  return result.metafile;
}

/**
 * The @aws-sdk client packages a bundle inlines, each with where it is
 * installed as the lock file names it (`node_modules/@aws-sdk/client-x`,
 * or nested deeper). esbuild names inputs by their real path, which may
 * lie outside the project when node_modules is a link: the path is read
 * from its first `node_modules/` on.
 */
export function bundledSdkClients(metafile: Metafile): Map<string, string> {
  const found = new Map<string, string>();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.indexOf('node_modules/');
    if (at < 0) continue;
    const m = /^(node_modules\/(?:.*\/)?(@aws-sdk\/client-[a-z0-9-]+))\//.exec(
      input.slice(at),
    );
    if (m?.[1] && m[2]) found.set(m[2], m[1]);
  }
  return found;
}
