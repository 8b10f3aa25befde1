/**
 * The baseline the init budget is measured against: every function as it
 * was at a fixed commit, built with that commit's own SST options
 * (its infra/sst-build.ts) in the same run as today's bundles, so both
 * meet the same machine at the same moment.
 *
 * The commit's tree is written out with `git archive` under .burstguard/
 * inside the project: a checkout of that commit that leaves the
 * repository's worktree list alone, and whose bundles resolve
 * node_modules (esbuild while building, Node for the external AWS SDK
 * while importing) from the project, as today's bundles do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import type { BuiltFunction } from '../infra/sst-bundle.ts';

/**
 * The commit each function's init is budgeted against, at 0.75 of its
 * init there (docs/performance.md). BENCH_BASELINE_COMMIT overrides it.
 */
export const BASELINE_COMMIT = '763d18488c58d2d3bb251082d733bbcfd3b0420b';

/** The baseline commit's tree, written out once per commit. */
export function baselineTree(commit: string = baselineCommit()): string {
  const tree = resolve('.burstguard', 'baseline', commit);
  if (existsSync(join(tree, 'infra', 'sst-build.ts'))) return tree;
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', commit], {
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  return tree;
}

/** The commit the baseline is built from. */
export function baselineCommit(): string {
  return process.env.BENCH_BASELINE_COMMIT ?? BASELINE_COMMIT;
}

type BaselineBuildModule = {
  sstBuildOptions(input: {
    entryPoint: string;
    outfile: string;
    properties?: unknown;
  }): Parameters<typeof build>[0];
  LAMBDA_NODEJS: unknown;
  bundlePath(name: string): string;
};

/**
 * Builds `functions/<name>/handler.ts` of the baseline tree into
 * `<outDir>/<name>/` with the baseline's own SST options; undefined when
 * the function did not exist at that commit.
 */
export async function buildBaselineFunction(
  tree: string,
  name: string,
  outDir: string,
): Promise<BuiltFunction | undefined> {
  const entryPoint = join(tree, 'functions', name, 'handler.ts');
  if (!existsSync(entryPoint)) return undefined;
  const sst = (await import(
    pathToFileURL(join(tree, 'infra', 'sst-build.ts')).href
  )) as BaselineBuildModule;
  const dir = join(outDir, name);
  const file = join(dir, sst.bundlePath(name));
  const result = await build(
    sst.sstBuildOptions({
      entryPoint,
      outfile: file,
      properties: sst.LAMBDA_NODEJS,
    }),
  );
  const metafile: Metafile | undefined = result.metafile;
  if (!metafile) throw new Error(`esbuild wrote no metafile for ${name}`);
  return { dir, file, metafile };
}
