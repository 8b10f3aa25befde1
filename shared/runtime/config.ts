/**
 * The configuration of a deployed function, read from its environment:
 * `BURSTGUARD_CONFIG` holds the JSON that deploy writes (no secrets).
 */
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
