/**
 * An esbuild plugin, handed to SST as `nodejs.plugins`: every `import`
 * of a Node built-in in an ESM bundle becomes a `require` of it (the
 * `require` SST's ESM preamble defines). In ESM, `import … from
 * "node:http"` evaluates http's whole namespace, which loads undici
 * eagerly (nodejs/node#57649); `require('node:http')` does not. The
 * bundled AWS SDK imports http, https and http2, so this is most of what
 * bundling the SDK saves at init. A dynamic `import("node:http")` (the
 * SDK's handler makes one for an http:// endpoint) is routed the same way,
 * so it too reads the module `require` already loaded.
 *
 * The stand-in module for a built-in exports each of its names as a
 * separate binding read from the required module, each marked pure, so
 * the bundle keeps only the names its code imports. Copying them all
 * (esbuild's CommonJS interop does, for `module.exports = require(…)`)
 * reads every property, and some of Node's are lazy: reading util's
 * `TextDecoder` builds the decoder's ICU data, about 2 ms for nothing.
 *
 * One import is deferred rather than routed: Powertools Logger imports
 * `randomInt` from node:crypto for debug-log sampling only
 * (`#shouldEnableDebugSampling` in its Logger.js calls it only when a
 * sample rate is set, and burstguard sets none). Its stand-in requires
 * node:crypto when `randomInt` is first called, so a function nothing
 * else of which needs crypto never loads it (2-5 ms). Where anything else
 * imports crypto (the AWS SDK's signing, SST's resource decryption), that
 * import loads it at init as before: the deferral moves no cost into an
 * invocation.
 *
 * It is written for the bridge SST runs it through as well as for
 * esbuild: SST's platform (functions/nodejs-runtime/plugin.mjs) calls
 * every callback whose filter matches, ignoring `namespace`, and its Go
 * side (sst repo pkg/runtime/node/plugin.go) reads `pluginData` back as
 * an integer; so the filters match everything, the callbacks check the
 * path and namespace themselves, what a load needs travels in the path,
 * and no `pluginData` is returned.
 */
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const NAMESPACE = 'builtin-through-require';
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The path prefix of a deferred built-in inside NAMESPACE. */
const DEFERRED = 'deferred:';

/**
 * Built-ins a package imports only for a code path burstguard leaves off,
 * and the functions it imports: any other name fails the build ("No
 * matching export"), since a stand-in function cannot be a class.
 */
const DEFERRED_IMPORTS = [
  {
    builtin: 'crypto',
    importer: /[\\/]node_modules[\\/]@aws-lambda-powertools[\\/]logger[\\/]/,
    names: ['randomInt'],
  },
];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', 'delete', 'new', 'function', 'class']);

function bare(path) {
  return path.startsWith('node:') ? path.slice('node:'.length) : path;
}

function deferred(path, importer) {
  return DEFERRED_IMPORTS.some(
    (d) => d.builtin === bare(path) && d.importer.test(importer ?? ''),
  );
}

function deferredNames(path) {
  return DEFERRED_IMPORTS.filter((d) => d.builtin === bare(path)).flatMap(
    (d) => d.names,
  );
}

/** The built-in's export names, as Node's own ESM namespace lists them. */
function exportNames(path) {
  return Object.keys(require(path)).filter(
    (name) => IDENTIFIER.test(name) && !RESERVED.has(name),
  );
}

/** Required at init; each name read only if the bundle imports it. */
function routedModule(path) {
  const id = JSON.stringify(path);
  return [
    `const m = require(${id});`,
    'export default m;',
    ...exportNames(path).map(
      (name) => `export const ${name} = /* @__PURE__ */ (() => m.${name})();`,
    ),
    '',
  ].join('\n');
}

/** Required when one of its listed functions is first called. */
function deferredModule(path) {
  const id = JSON.stringify(path);
  return [
    ...deferredNames(path).map(
      (name) =>
        `export function ${name}(...args) { return require(${id}).${name}(...args); }`,
    ),
    '',
  ].join('\n');
}

export default [
  {
    name: 'builtins-through-require',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const esm =
          args.kind === 'import-statement' || args.kind === 'dynamic-import';
        if (!esm || !BUILTINS.has(args.path)) return undefined;
        const path = deferred(args.path, args.importer)
          ? `${DEFERRED}${args.path}`
          : args.path;
        return { path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace !== NAMESPACE) return undefined;
        const contents = args.path.startsWith(DEFERRED)
          ? deferredModule(args.path.slice(DEFERRED.length))
          : routedModule(args.path);
        return { contents, loader: 'js' };
      });
    },
  },
];
