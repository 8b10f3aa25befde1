/**
 * The repository's import graph and the checks of the dependency rule
 * (docs/architecture.md). Files are repository-relative paths; an import of
 * a package is its bare name.
 */

/** Each file and what it imports (resolved paths, or package names). */
export type ModuleGraph = Map<string, string[]>;

/**
 * The module specifiers a TypeScript file imports or re-exports, in order:
 * `import … from`, `import type`, `export … from`, bare `import 'x'` and
 * `import('x')`. Comments are skipped.
 */
export function importsOf(text: string): string[] {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found: { at: number; spec: string }[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      found.push({ at: match.index ?? 0, spec: match[1] as string });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.spec);
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

/** Packages the pure domain may not import: SDKs, clients, I/O, Lambda. */
const NOT_IN_DOMAIN =
  /^(@aws-sdk\/|@aws-lambda-powertools\/|@middy\/|@slack\/|@clickhouse\/|chdb$|@pulumi\/|node:(fs|net|http|https|child_process)(\/|$))/;

function stepOf(file: string): string | undefined {
  return /^functions\/([^/]+)\//.exec(file)?.[1];
}

/** Why `from` may not import `to`, or undefined when it may. */
function forbidden(from: string, to: string): boolean {
  const local = to.includes('/') && /\.(ts|mts|mjs)$/.test(to);
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
  return to.startsWith('cli/') && !/^(cli|bench|scripts)\//.test(from);
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
