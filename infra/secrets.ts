/**
 * The SST secrets as `sst deploy` sees them, checked before anything is
 * created: the per-file-system `ClickHouseCredentials` against the
 * configuration, with the same rules the collector applies at cold start
 * (shared/domain/credentials.ts). Errors name the secret, the file system
 * and the field; no value is ever printed.
 */
import type { AppConfig } from '../shared/domain/config.ts';
import { clickhouseLogins } from '../shared/domain/credentials.ts';
import { SECRETS } from './functions.ts';

/**
 * A secret's value while sst.config.ts runs: the SST CLI puts each set
 * secret in the environment as `SST_SECRET_<name>`, which `sst.Secret`
 * reads, falling back to its placeholder (sst platform
 * `src/components/secret.ts`). Undefined: unset, and no placeholder.
 */
export function deploySecret(
  env: NodeJS.ProcessEnv,
  name: keyof typeof SECRETS,
): string | undefined {
  return env[`SST_SECRET_${name}`] ?? SECRETS[name];
}

/**
 * Checks the ClickHouse credentials of every configured file system and
 * says where each comes from: `fs-… ClickHouseCredentials` or
 * `fs-… ClickHousePassword`, one per file system with a `clickhouseUrl`
 * (a deploy output). Throws a ConfigurationError otherwise.
 */
export function clickhouseCredentialSources(
  config: Pick<AppConfig, 'fileSystems'>,
  env: NodeJS.ProcessEnv,
): string[] {
  const logins = clickhouseLogins(config, {
    credentials: deploySecret(env, 'ClickHouseCredentials') ?? '',
    password: deploySecret(env, 'ClickHousePassword') ?? '',
    caCertificate: deploySecret(env, 'ClickHouseCaCertificate') ?? '',
  });
  return [...logins].map(([id, login]) => `${id} ${login.source}`);
}
