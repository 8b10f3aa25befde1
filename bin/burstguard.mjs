#!/usr/bin/env node
// The `burstguard` command: TypeScript sources run through tsx, on the
// Lambda runtime's Node major version (nodejs24.x). On an older Node, it
// re-runs itself with the Node 24 that `npm install` installs (npm package node).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const node = fileURLToPath(
    new URL('../node_modules/node/bin/node', import.meta.url),
  );
  if (!existsSync(node)) {
    process.stderr.write(
      `burstguard: needs Node 22 or later (found ${process.version}); run npm install, which installs Node 24\n`,
    );
    process.exit(1);
  }
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(node, [self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
