/**
 * The dependency rule of docs/architecture.md, read from the source: every
 * import of every TypeScript file outside test/ (static, `import type`, and
 * `import()`), resolved to a file of the repository.
 *
 * - no import cycles;
 * - shared/ imports nothing from functions/, cli/, workflows/, infra/ or
 *   local/; shared/domain/ imports nothing from shared/adapters/ or
 *   shared/runtime/, and no SDK or I/O package;
 * - a step (functions/<step>/) imports shared/ and its own folder only;
 * - workflows/ is the ASL: it imports shared/domain/ only;
 * - nothing but cli/, bench/ and scripts/ imports cli/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findCycles,
  importsOf,
  layerViolations,
  type ModuleGraph,
  resolveImport,
} from './support/import-graph.ts';

const ROOT = join(import.meta.dirname, '..');
/** Every folder of code outside test/, and the configuration at the top. */
const FOLDERS = [
  'shared',
  'functions',
  'cli',
  'local',
  'workflows',
  'infra',
  'bench',
  'scripts',
  'bin',
  'types',
];
const TOP_FILES = [
  'sst.config.ts',
  'vitest.config.ts',
  'vitest.mutation.config.ts',
  'stryker.config.mjs',
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory())
      out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs|js)$/.test(name)) out.push(path);
  }
  return out;
}

function repoGraph(): ModuleGraph {
  const files = [...FOLDERS.flatMap(sourceFiles), ...TOP_FILES];
  const exists = (path: string) =>
    existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile();
  const graph: ModuleGraph = new Map();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    graph.set(
      file,
      importsOf(text).map((spec) => resolveImport(file, spec, exists)),
    );
  }
  return graph;
}

describe('the dependency rule', () => {
  const graph = repoGraph();

  it('reads every layer of the repository', () => {
    for (const prefix of [
      'shared/domain/',
      'shared/adapters/',
      'shared/runtime/',
      'functions/',
      'local/',
      'cli/commands/',
      'workflows/',
      'infra/',
    ]) {
      expect(
        [...graph.keys()].filter((f) => f.startsWith(prefix)).length,
        prefix,
      ).toBeGreaterThan(0);
    }
  });

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('has every import point down', () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});

describe('the import-graph checks themselves', () => {
  it('find a cycle of two files and of three', () => {
    const graph: ModuleGraph = new Map([
      ['cli/main.ts', ['cli/commands/demo.ts']],
      ['cli/commands/demo.ts', ['cli/main.ts']],
      ['local/a.ts', ['local/b.ts']],
      ['local/b.ts', ['local/c.ts']],
      ['local/c.ts', ['local/a.ts']],
      ['local/d.ts', ['local/a.ts']],
    ]);
    expect(findCycles(graph)).toEqual([
      ['cli/commands/demo.ts', 'cli/main.ts'],
      ['local/a.ts', 'local/b.ts', 'local/c.ts'],
    ]);
  });

  const FLAGGED = [
    ['shared/evidence.ts', 'functions/collect-efs/core.ts'],
    ['shared/adapters/slack.ts', 'local/terminal-render.ts'],
    ['shared/domain/contracts.ts', 'shared/adapters/slack.ts'],
    ['shared/domain/diagnosis/engine.ts', 'shared/runtime/step-handler.ts'],
    ['shared/domain/ports.ts', '@aws-sdk/client-efs'],
    ['functions/verify/core.ts', 'functions/collect-efs/core.ts'],
    ['workflows/definition.ts', 'functions/notify/lambda.ts'],
    ['workflows/definition.ts', 'shared/adapters/slack.ts'],
    ['local/run-recording.ts', 'cli/output.ts'],
    ['infra/alarms.ts', 'functions/normalize/core.ts'],
    ['shared/domain/policy.ts', 'sst'],
    ['shared/domain/policy.ts', 'fs'],
    ['shared/domain/policy.ts', 'node:dns'],
    ['local/run-recording.ts', 'test/support/io.ts'],
    ['cli/commands/demo.ts', 'test/fixtures/config.ts'],
    ['shared/domain/policy.ts', 'unresolved:shared/domain/nowhere'],
  ];
  const ALLOWED = [
    ['functions/verify/core.ts', 'shared/domain/sources/efs.ts'],
    ['functions/verify/handler.ts', 'functions/verify/lambda.ts'],
    ['shared/adapters/slack.ts', 'shared/domain/ports.ts'],
    ['shared/runtime/step-handler.ts', 'shared/domain/errors.ts'],
    ['local/run-recording.ts', 'functions/diagnose/core.ts'],
    ['local/state-machine-runner.ts', 'workflows/definition.ts'],
    ['cli/commands/demo.ts', 'local/scenarios.ts'],
    ['infra/functions.ts', 'workflows/definition.ts'],
    ['shared/domain/contracts.ts', 'zod'],
    ['shared/domain/slack/signature.ts', 'node:crypto'],
    ['bench/bundles.ts', 'test/support/aws-wire.ts'],
    ['bin/burstguard.mjs', 'cli/main.ts'],
  ];

  it.each([
    ...FLAGGED.map(([from, to]) => ({ from, to, flagged: true })),
    ...ALLOWED.map(([from, to]) => ({ from, to, flagged: false })),
  ])('$from importing $to: flagged $flagged', ({ from, to, flagged }) => {
    const graph: ModuleGraph = new Map([[from as string, [to as string]]]);
    expect(layerViolations(graph)).toEqual(flagged ? [`${from} -> ${to}`] : []);
  });

  it('read static, type-only, multi-line, dynamic and require imports', () => {
    const text = [
      "import { a } from './a.ts'; import { a2 } from './a2.ts';",
      "import type { B } from '../b.ts';",
      'import {',
      '  c,',
      "} from './c.ts';",
      "export { d } from './d.ts';",
      "export * from './star.ts';",
      "const arn = 'arn:aws:elasticfilesystem:*:*:file-system/*';",
      "const e = await import('./e.ts');",
      "import f = require('./f.ts');",
      "import 'side-effect';",
      "// import { no } from './comment.ts';",
      "const s = 'from ./g.ts';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      './a.ts',
      './a2.ts',
      '../b.ts',
      './c.ts',
      './d.ts',
      './star.ts',
      './e.ts',
      './f.ts',
      'side-effect',
    ]);
  });

  it('resolve `.js` to the `.ts` beside it, and name what resolves to nothing', () => {
    const files = new Set(['shared/adapters/slack.ts', 'shared/domain/x.json']);
    const exists = (path: string) => files.has(path);
    expect(
      resolveImport('shared/domain/policy.ts', '../adapters/slack.js', exists),
    ).toBe('shared/adapters/slack.ts');
    expect(resolveImport('shared/domain/policy.ts', './x.json', exists)).toBe(
      'shared/domain/x.json',
    );
    expect(
      resolveImport('shared/domain/policy.ts', './nowhere.ts', exists),
    ).toBe('unresolved:shared/domain/nowhere.ts');
    expect(resolveImport('shared/domain/policy.ts', 'zod', exists)).toBe('zod');
  });

  it('flag a domain file importing an adapter written with `.js`', () => {
    const exists = (path: string) => path === 'shared/adapters/slack.ts';
    const graph: ModuleGraph = new Map([
      [
        'shared/domain/policy.ts',
        [
          resolveImport(
            'shared/domain/policy.ts',
            '../adapters/slack.js',
            exists,
          ),
        ],
      ],
    ]);
    expect(layerViolations(graph)).toEqual([
      'shared/domain/policy.ts -> shared/adapters/slack.ts',
    ]);
  });
});
