import { statSync } from 'node:fs';
import { buildFunctionAsSst } from './infra/sst-bundle.ts';
const names = ['normalize','open-incident','resolve-incident','collect-efs','collect-langfuse','collect-clickhouse','diagnose','notify','request-approval','remediate','verify','slack-interactions','preflight'];
const out = process.argv[2];
for (const n of names) {
  const b = await buildFunctionAsSst(n, out);
  console.log(`${n}\t${statSync(b.file).size}`);
}
