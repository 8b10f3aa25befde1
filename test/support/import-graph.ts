/**
 * The repository's import graph and the checks of the dependency rule
 * (docs/architecture.md). Files are repository-relative paths; an import of
 * a package is its bare name.
 */
import { posix } from 'node:path';
import ts from 'typescript';

/** Each file and what it imports (resolved paths, or package names). */
export type ModuleGraph = Map<string, string[]>;

/**
 * The module specifiers a file imports or re-exports, in order, as the
 * TypeScript compiler reads them (ts.preProcessFile): `import … from`,
 * `import type`, `export … from`, bare `import 'x'`, `import('x')` and
 * `import x = require('x')`. Comments and strings are not imports.
 */
export function importsOf(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((file) => file.fileName);
}

/** Extensions a relative specifier may name or leave out, in lookup order. */
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.mjs', '.js', '.json'];

/**
 * The repository file a relative specifier names, as tsx and esbuild
 * resolve it (`./x.js` may be `./x.ts`), or `unresolved:<path>` when no
 * file answers. Packages are returned as they are.
 */
export function resolveImport(
  from: string,
  spec: string,
  exists: (path: string) => boolean,
): string {
  if (!spec.startsWith('.')) return spec;
  const path = posix.normalize(posix.join(posix.dirname(from), spec));
  const stem = path.replace(/\.(js|mjs|ts|mts)$/, '');
  const candidates = [
    path,
    ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
    ...SOURCE_EXTENSIONS.map((ext) => `${path}/index${ext}`),
  ];
  return candidates.find(exists) ?? `unresolved:${path}`;
}

/**
 * Every cycle of the graph (its strongly connected components of more than
 * one file, or a file importing itself), each sorted, in sorted order.
 */
export function findCycles(graph: ModuleGraph): string[][] {
  // Tarjan's algorithm.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
      cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) {
    if (!index.has(node)) visit(node);
  }
  return cycles.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/**
 * Packages the pure domain may not import: SDKs and clients, SST's
 * `Resource` (secrets), Lambda middleware, and Node's file, network and
 * process modules (with or without the `node:` prefix).
 */
const NOT_IN_DOMAIN =
  /^(@aws-sdk\/|@aws-lambda-powertools\/|@middy\/|@slack\/|@clickhouse\/|@pulumi\/|chdb$|sst(\/|$)|undici$|(node:)?(fs|net|http|https|http2|child_process|dns|tls|dgram|worker_threads)(\/|$))/;

function stepOf(file: string): string | undefined {
  return /^functions\/([^/]+)\//.exec(file)?.[1];
}

/** Why `from` may not import `to`, or undefined when it may. */
function forbidden(from: string, to: string): boolean {
  if (to.startsWith('unresolved:')) return true;
  const local = isRepoFile(to);
  if (local && to.startsWith('test/')) {
    // Only the benchmarks and scripts share the tests' doubles and fixtures.
    return !/^(test|bench|scripts)\//.test(from);
  }
  if (from.startsWith('shared/domain/')) {
    if (!local) return NOT_IN_DOMAIN.test(to);
    return !to.startsWith('shared/domain/');
  }
  if (!local) return false;
  if (from.startsWith('shared/')) return !to.startsWith('shared/');
  if (from.startsWith('functions/')) {
    return !(to.startsWith('shared/') || stepOf(to) === stepOf(from));
  }
  if (from.startsWith('workflows/')) {
    return !(to.startsWith('shared/domain/') || to.startsWith('workflows/'));
  }
  if (from.startsWith('infra/') || from === 'sst.config.ts') {
    return !['shared/', 'workflows/', 'infra/'].some((p) => to.startsWith(p));
  }
  if (from.startsWith('local/')) {
    return to.startsWith('cli/') || to.startsWith('infra/');
  }
  return to.startsWith('cli/') && !/^(cli|bench|scripts|bin|test)\//.test(from);
}

/** A resolved import of a repository file, as opposed to a package. */
function isRepoFile(to: string): boolean {
  return (
    /^[\w.-]+(\/[\w.-]+)*\.(ts|mts|mjs|js|json)$/.test(to) &&
    !to.startsWith('@')
  );
}

/** Each import that breaks the dependency rule, as `from -> to`. */
export function layerViolations(graph: ModuleGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (forbidden(from, to)) out.push(`${from} -> ${to}`);
    }
  }
  return out.sort();
}
