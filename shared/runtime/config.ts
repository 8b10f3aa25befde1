/**
 * The configuration of a deployed function, read from its environment:
 * `BURSTGUARD_CONFIG` holds the JSON that deploy writes (no secrets).
 */

import { systemClock } from '../adapters/wiring/clock.ts';
import { type AppConfig, parseConfig } from '../domain/config.ts';
import { ConfigurationError } from '../domain/errors.ts';

/** Reads `BURSTGUARD_CONFIG` once; call it at module scope (cold start). */
export function readConfigFromEnv(env: NodeJS.ProcessEnv): AppConfig {
  const text = env.BURSTGUARD_CONFIG;
  if (!text) {
    throw new ConfigurationError('BURSTGUARD_CONFIG is not set');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError('BURSTGUARD_CONFIG is not JSON', {
      cause: error,
    });
  }
  return parseConfig(raw);
}

/**
 * What most deployed steps are handed besides their clients: the
 * configuration, read once at cold start, and the system clock.
 */
export function deployedStep(env: NodeJS.ProcessEnv) {
  return { config: readConfigFromEnv(env), clock: systemClock };
}
