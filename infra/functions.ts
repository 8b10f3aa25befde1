/**
 * How sst.config.ts deploys each Lambda: names, handlers, timeout. Plain
 * data, so it is tested without the SST CLI.
 */
import { ENTRY_FUNCTIONS, LAMBDAS } from '../workflows/definition.ts';
import type { FunctionName } from './iam.ts';

/** Every function, the workflow's steps first. */
export const FUNCTION_NAMES: readonly FunctionName[] = [
  ...LAMBDAS,
  ...ENTRY_FUNCTIONS,
];

/**
 * Shorter than the Task timeout (TASK_TIMEOUT_SECONDS.default, 30 s), so a slow function fails with its
 * own Lambda timeout error, which the state machine's Catch reports,
 * rather than a States.Timeout with no detail.
 */
export const FUNCTION_TIMEOUT_SECONDS = 20;

/** SST component name: `collect-efs` -> `CollectEfs`. */
export function componentName(name: FunctionName): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The handler path SST bundles: `functions/<name>/handler.handler`. */
export function functionHandler(name: FunctionName): string {
  return `functions/${name}/handler.handler`;
}

/**
 * How often the preflight forecasts burst credits. Its horizon is 6 h
 * (functions/preflight/core.ts), so an hourly run warns several times
 * before the credits run out.
 */
export const PREFLIGHT_SCHEDULE = 'rate(1 hour)';
