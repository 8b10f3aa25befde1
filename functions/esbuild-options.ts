/**
 * How every Lambda is bundled, shared by sst.config.ts and `npm run bench`
 * so the measured bundle is the deployed one. The nodejs24.x runtime ships
 * the AWS SDK for JavaScript v3, so `@aws-sdk/*` stays out of the bundle.
 */
export const LAMBDA_RUNTIME = 'nodejs24.x';

export const LAMBDA_ESBUILD_EXTERNAL = ['@aws-sdk/*'];

export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  external: LAMBDA_ESBUILD_EXTERNAL,
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  legalComments: 'none',
} as const;
