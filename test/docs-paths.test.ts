/**
 * The docs name files: where a rule is enforced, which test holds it, what
 * to touch in a recipe (docs/architecture.md). A file moved or renamed must
 * not leave a doc pointing at nothing.
 */
import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Repository paths in a text: `test/slack/*.test.ts`, `shared/domain/x.ts`. */
function pathsIn(text: string): string[] {
  const pattern =
    /(?<![\w/.-])((?:shared|functions|cli|local|workflows|infra|test|bench|scripts|types)\/[\w/.*{},-]*\.(?:ts|mjs|md|json|sh))/g;
  return [...text.matchAll(pattern)].map((m) => m[1] as string);
}

/** Files the repository writes and ignores (`npm run bench` writes one). */
const GENERATED = new Set(
  readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#')),
);

function exists(path: string): boolean {
  if (GENERATED.has(path)) return true;
  return /[*{]/.test(path)
    ? globSync(path, { cwd: ROOT }).length > 0
    : existsSync(join(ROOT, path));
}

describe('paths named in the docs', () => {
  it('finds paths in prose, tables and globs', () => {
    expect(
      pathsIn(
        'see `shared/domain/verdicts.ts`, test/slack/*.test.ts and packages/shared/src/server/logger.ts (Langfuse).',
      ),
    ).toEqual(['shared/domain/verdicts.ts', 'test/slack/*.test.ts']);
  });

  it.each(DOCS)('%s names only files that exist', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing = pathsIn(text).filter((path) => !exists(path));
    expect(missing).toEqual([]);
  });

  it('reads the docs that hold the recipes and the safety rules', () => {
    for (const doc of ['docs/architecture.md', 'docs/safety.md']) {
      expect(DOCS).toContain(doc);
      expect(
        pathsIn(readFileSync(join(ROOT, doc), 'utf8')).length,
      ).toBeGreaterThan(10);
    }
  });
});
