/**
 * The SST secrets as `sst deploy` sees them, checked before anything is
 * created: the per-file-system `ClickHouseCredentials` against the
 * configuration, with the same rules the collector applies at cold start
 * (shared/domain/credentials.ts). Errors name the secret, the file system
 * and the field; no value is ever printed.
 */
import type { AppConfig } from '../shared/domain/config.ts';
import {
  CREDENTIALS_SECRET,
  clickhouseLogins,
  parseCredentialsSecret,
} from '../shared/domain/credentials.ts';
import { ConfigurationError } from '../shared/domain/errors.ts';
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

/**
 * Checks that every file system with a `recovery` has its Langfuse admin
 * key (`langfuseAdminKey` in its `ClickHouseCredentials` entry), so a
 * deploy stops here rather than the first replay batch. Names the file
 * system and the field, never a value.
 */
export function checkLangfuseAdminKeys(
  config: Pick<AppConfig, 'fileSystems'>,
  env: NodeJS.ProcessEnv,
): void {
  const entries = parseCredentialsSecret(
    deploySecret(env, 'ClickHouseCredentials') ?? '',
    config,
  );
  for (const fs of config.fileSystems) {
    if (fs.recovery && !entries.get(fs.fileSystemId)?.langfuseAdminKey) {
      throw new ConfigurationError(
        `${CREDENTIALS_SECRET} ${fs.fileSystemId}: langfuseAdminKey is missing; its recovery replays through Langfuse's admin API with it (set the secret, or remove the file system's recovery)`,
      );
    }
  }
}
