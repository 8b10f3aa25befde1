/**
 * Module-level schemas, built once at init, and only in the bundles that
 * use them.
 *
 * A zod schema is built by method chains (`z.string().regex(…)`,
 * `a.extend(…)`), and a bundler must assume a method call has side
 * effects, so every schema of a module would be built in every function
 * that imports one of them: a function that parses two contracts built
 * all seventy. Declared as
 *
 *     export const xSchema = /* @__PURE__ *\/ schema(() => z.object({…}));
 *
 * the call is marked pure for esbuild (its documentation, "Annotations"),
 * and its one argument is a function, which has no side effects to keep:
 * a declaration nobody in the bundle reads is dropped, and one that is
 * read is built at module scope as before, so the cost stays at init
 * rather than moving into the first invocation. The comment goes at each
 * call: esbuild honours `@__NO_SIDE_EFFECTS__` on a declaration only
 * within its own file. test/shared/schema-declarations.test.ts holds
 * shared/ and functions/ to it.
 */

import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * zod/mini, not zod: the same core (parsing, checks, issues, messages)
 * without the classic API's methods on every schema, which is half the
 * library's code and most of the cost of building a schema; and its
 * objects parse without the parser classic zod compiles (`new Function`)
 * for each object schema on its first parse, which at init, on the
 * configuration's one parse, cost more than it saved. Classic zod
 * sets its English messages itself; mini leaves that to the caller
 * (zod's documentation, "Zod Mini": locales), so the messages stay the
 * classic ones ("Too small: expected string to have >=1 characters").
 */
z.config(en());

export function schema<T>(build: () => T): T {
  return build();
}
