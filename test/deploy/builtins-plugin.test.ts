/**
 * infra/builtins-through-require.mjs run the way `sst deploy` runs a
 * `nodejs.plugins` module: build.go adds a Go plugin (sst repo
 * pkg/runtime/node/plugin.go) that starts `node
 * .sst/platform/functions/nodejs-runtime/plugin.mjs <module>` and sends it
 * every resolve and load as one JSON line, `{id, command, value}`, with
 * `value` holding esbuild's arguments; the reply's `value` is the
 * callback's result, `{}` when no callback answered. The platform script
 * is the installed one (`sst install` writes it), so this is SST's own
 * bridge, not a copy of it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BRIDGE = '.sst/platform/functions/nodejs-runtime/plugin.mjs';
const PLUGIN = resolve('infra/builtins-through-require.mjs');

type Reply = { id: number; value: Record<string, unknown> };

let child: ReturnType<typeof spawn>;
const pending = new Map<number, (value: Reply['value']) => void>();
let nextId = 0;

/** One request as plugin.go sends it; resolves with the reply's value. */
function send(command: 'resolve' | 'load', value: Record<string, unknown>) {
  const id = nextId++;
  return new Promise<Reply['value']>((done) => {
    pending.set(id, done);
    child.stdin?.write(`${JSON.stringify({ id, command, value })}\n`);
  });
}

beforeAll(() => {
  if (!existsSync(BRIDGE)) {
    throw new Error(`${BRIDGE} is missing: run npm run typecheck:infra`);
  }
  child = spawn(process.execPath, [BRIDGE, PLUGIN], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (!child.stdout) throw new Error('the bridge has no stdout');
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reply = JSON.parse(line) as Reply;
    pending.get(reply.id)?.(reply.value);
    pending.delete(reply.id);
  });
});

afterAll(() => {
  child?.kill();
});

const SMITHY = '/app/node_modules/@smithy/node-http-handler/dist-es/x.js';
// Where Powertools Logger imports randomInt (its lib/esm/Logger.js).
const LOGGER =
  '/app/node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js';

/** esbuild's onResolve arguments, as plugin.go forwards them. */
const resolveArgs = (path: string, kind: string, importer = SMITHY) => ({
  path,
  importer,
  namespace: 'file',
  resolveDir: dirname(importer),
  kind,
  with: {},
});

describe("the built-ins plugin through SST's plugin bridge", () => {
  it('takes an ESM import of node:http into its own namespace', async () => {
    const reply = await send(
      'resolve',
      resolveArgs('node:http', 'import-statement'),
    );

    expect(reply).toEqual({
      path: 'node:http',
      namespace: 'builtin-through-require',
    });
  });

  it('takes a dynamic import of a built-in the same way', async () => {
    // @smithy/node-http-handler's httpAgentProvider: await import("node:http").
    const reply = await send(
      'resolve',
      resolveArgs('node:http', 'dynamic-import'),
    );

    expect(reply).toEqual({
      path: 'node:http',
      namespace: 'builtin-through-require',
    });
  });

  it('leaves a require of a built-in and any package import to esbuild', async () => {
    const required = await send('resolve', resolveArgs('http', 'require-call'));
    const pkg = await send(
      'resolve',
      resolveArgs('@smithy/types', 'import-statement'),
    );

    expect(required).toEqual({});
    expect(pkg).toEqual({});
  });

  it("defers Powertools Logger's node:crypto, and only the Logger's", async () => {
    const logger = await send(
      'resolve',
      resolveArgs('node:crypto', 'import-statement', LOGGER),
    );
    const sdk = await send(
      'resolve',
      resolveArgs('crypto', 'import-statement'),
    );

    expect(logger).toEqual({
      path: 'deferred:node:crypto',
      namespace: 'builtin-through-require',
    });
    expect(sdk).toEqual({
      path: 'crypto',
      namespace: 'builtin-through-require',
    });
  });

  it('loads a taken built-in as a require of it, each name its own pure binding', async () => {
    const reply = await send('load', {
      path: 'node:http',
      namespace: 'builtin-through-require',
      suffix: '',
      with: {},
    });
    const lines = String(reply.contents).split('\n');

    expect(reply.loader).toBe('js');
    expect(lines.slice(0, 2)).toEqual([
      'const m = require("node:http");',
      'export default m;',
    ]);
    // Names from Node's http documentation.
    expect(lines).toContain(
      'export const request = /* @__PURE__ */ (() => m.request)();',
    );
    expect(lines).toContain(
      'export const Agent = /* @__PURE__ */ (() => m.Agent)();',
    );
  });

  it('loads a deferred built-in as functions that require it when called', async () => {
    const reply = await send('load', {
      path: 'deferred:node:crypto',
      namespace: 'builtin-through-require',
      suffix: '',
      with: {},
    });
    const lines = String(reply.contents).split('\n');

    // Only the Logger's one import, and nothing runs when it is evaluated.
    expect(lines).toEqual([
      'export function randomInt(...args) { return require("node:crypto").randomInt(...args); }',
      '',
    ]);
  });

  it('leaves every other file to esbuild, whatever the bridge matches', async () => {
    const reply = await send('load', {
      path: '/app/functions/normalize/handler.ts',
      namespace: 'file',
      suffix: '',
      with: {},
    });

    expect(reply).toEqual({});
  });
});
