/**
 * Module-level schemas, built once at init, and only in the bundles that
 * use them.
 *
 * A zod schema is built by method chains (`z.string().regex(…)`,
 * `a.extend(…)`), and a bundler must assume a method call has side
 * effects, so every schema of a module would be built in every function
 * that imports one of them: a function that parses two contracts built
 * all seventy. `schema(() => …)` is marked free of side effects for
 * esbuild (`@__NO_SIDE_EFFECTS__`, esbuild's documentation, "Tree
 * shaking" and "Annotations"): a declaration nobody in the bundle reads is
 * dropped, and one that is read is built at module scope as before, so
 * the cost stays at init rather than moving into the first invocation.
 */
import * as z from 'zod';

/**
 * zod compiles a parser for each object schema (`new Function`) the first
 * time it parses with it. A function parses a handful of states per
 * invocation and its configuration once, at init, where compiling costs
 * more than the interpreted parse it replaces; the results are the same.
 */
z.config({ jitless: true });

export function schema<T>(build: () => T): T {
  return build();
}
