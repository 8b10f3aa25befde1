/**
 * An esbuild plugin, handed to SST as `nodejs.plugins`: every `import`
 * of a Node built-in in an ESM bundle becomes a `require` of it (the
 * `require` SST's ESM preamble defines). In ESM, `import … from
 * "node:http"` evaluates http's whole namespace, which loads undici
 * eagerly (nodejs/node#57649); `require('node:http')` does not. The
 * bundled AWS SDK imports http, https and http2, so this is most of what
 * bundling the SDK saves at init.
 *
 * It is written for the bridge SST runs it through as well as for
 * esbuild: SST's platform (functions/nodejs-runtime/plugin.mjs) calls
 * every callback whose filter matches, ignoring `namespace`, and its Go
 * side (sst repo pkg/runtime/node/plugin.go) reads `pluginData` back as
 * an integer; so the filters match everything, the callbacks check the
 * path and namespace themselves, and no `pluginData` is returned.
 */
import { builtinModules } from 'node:module';

const NAMESPACE = 'builtin-through-require';
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

export default [
  {
    name: 'builtins-through-require',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'import-statement' || !BUILTINS.has(args.path)) {
          return undefined;
        }
        return { path: args.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace !== NAMESPACE) return undefined;
        return {
          contents: `module.exports = require(${JSON.stringify(args.path)});`,
          loader: 'js',
        };
      });
    },
  },
];
