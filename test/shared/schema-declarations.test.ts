/**
 * Module-level schemas in the code the functions bundle (shared/ and
 * functions/) are declared `/* @__PURE__ *\/ schema(() => …)`: a bundler
 * must treat a method call (`z.string().min(1)`, `a.extend(…)`) as having
 * side effects, so a schema declared bare is built in every function that
 * imports its module, read or not (shared/domain/schema.ts). esbuild
 * honours `@__PURE__` at the call (esbuild documentation, "Annotations":
 * pure calls), and only within the file for `@__NO_SIDE_EFFECTS__` on a
 * declaration, hence the comment at each call. What it saves is measured
 * by the bundle test in test/deploy/sdk-versions.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Whether an expression builds a zod schema: any `z.` call within it. */
function buildsSchema(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node) => {
    if (found || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) return;
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.getText().startsWith('z.')
    ) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** The module-level declarations that build a schema without `schema()`. */
function bareSchemas(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const bare: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      const init = d.initializer;
      if (!init) continue;
      const callsSchema =
        ts.isCallExpression(init) &&
        init.expression.getText(source) === 'schema';
      const wrapped =
        callsSchema &&
        text
          .slice(init.getFullStart(), init.getStart(source))
          .includes('@__PURE__');
      const schemaLike =
        callsSchema ||
        buildsSchema(init) ||
        /Schema$/.test(d.name.getText(source));
      if (schemaLike && !wrapped && !ts.isArrowFunction(init)) {
        bare.push(`${file}: ${d.name.getText(source)}`);
      }
    }
  }
  return bare;
}

describe('module-level schemas', () => {
  it('are declared /* @__PURE__ */ schema(() => …) in shared/ and functions/', () => {
    const bare = [...files('shared'), ...files('functions')].flatMap((f) =>
      bareSchemas(f, readFileSync(f, 'utf8')),
    );

    expect(bare).toEqual([]);
  });

  it('finds a bare one, and one without the comment', () => {
    const text = [
      "import * as z from 'zod';",
      'export const aSchema = z.string().min(1);',
      'export const b = schema(() => z.number());',
      'export const c = /* @__PURE__ */ schema(() => z.number());',
      'export const d = (x: string) => z.string().parse(x);',
    ].join('\n');

    expect(bareSchemas('x.ts', text)).toEqual(['x.ts: aSchema', 'x.ts: b']);
  });
});
